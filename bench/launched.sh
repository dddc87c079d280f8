#!/usr/bin/env bash
# Tokens for launched apps (issue 8): code exchange with PKCE, refresh with rotation, and
# introspection of an active JWT, over keep-alive TLS with wrk, store durable (the defaults:
# synchronous=FULL, group commit). Codes and refresh tokens are single use, so each request
# spends its own: `smart-auth bench-mint` writes them, each from its own authorization, through
# the real stores while the service is stopped (bench-only; see README "Benchmarks").
# Per core, as bench/token.sh: the service pinned to one core, wrk to the other (lib.sh), 32
# connections; each row gives the service's CPU time per request and the rate one core would
# reach at that cost. `openssl speed` on the service's core closes the table.
# Usage: bench/launched.sh   (WRK_SECONDS, WRK_CONNECTIONS, WRK_THREADS, BENCH_SERVER_CPU,
#   BENCH_CLIENT_CPU, BENCH_PIN as in lib.sh; BENCH_RUNS, default 1; SMART_AUTH_BIN skips the
#   build; BENCH_SCENARIOS="code refresh introspect" picks scenarios; CODES / REFRESH_TOKENS:
#   how many to mint per run, default 12000 * WRK_SECONDS; PERF_DIR and BENCH_CALLGRIND as in
#   token.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps --bench
if [ -z "${SMART_AUTH_BIN:-}" ] && [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  scripts/build release >/dev/null
fi
source bench/lib.sh

secs=${WRK_SECONDS:-10}
runs=${BENCH_RUNS:-1}
codes=${CODES:-$((12000 * secs))}
refresh=${REFRESH_TOKENS:-$((12000 * secs))}
scenarios=" ${BENCH_SCENARIOS:-code refresh introspect} "
wants() { [[ "$scenarios" == *" $1 "* ]]; }

work=$(mktemp -d /tmp/smart-auth-bench-XXXXXX)
trap 'stop_service; [ -n "${BENCH_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
export WRK_LOG="$work/wrk.log" WRK_THREADS="${WRK_THREADS:-1}"

redirect="https://app.example/cb"
rs_secret=bench-resource-server-secret-0123456789abcdef
# No openid: an id_token is an RSA-2048 signature (~1.2 ms here), which would measure RSA.
# BENCH_SCOPE="... openid ..." measures that instead.
scope="${BENCH_SCOPE:-launch/patient fhirUser offline_access patient/*.rs}"
extra="clients:
  - client_id: bench-app
    client_name: bench app
    token_endpoint_auth_method: none
    grant_types: [authorization_code, refresh_token]
    redirect_uris: [$redirect]
    scope: \"$scope\"
    pre_approved: true
introspection:
  resource_servers:
    - {id: bench-fhir, secret: $rs_secret, description: bench}
rate_limits:
  enabled: false"

# mint KIND N FILE: N single-use codes or refresh tokens for bench-app, written through the
# stores with the service stopped (the service is restarted by the caller).
mint() {
  local t0
  t0=$(date +%s%N)
  "$BIN" bench-mint --config "$work/svc/bench.yaml" --client-id bench-app --scope "$scope" \
    "--$1" "$2" --out "$3" >"$work/mint-$1.log" 2>&1 || { cat "$work/mint-$1.log" >&2; exit 1; }
  echo "  (minted $2 $1 in $(( ($(date +%s%N) - t0) / 1000000 )) ms)" >&2
}

# First start: migrations, keys and the static client; then stop to mint.
start_service "$work/svc" "$extra"
stop_service
for run in $(seq 1 "$runs"); do
  wants code && mint codes "$codes" "$work/codes-$run.txt"
  if wants refresh; then
    mint refresh "$refresh" "$work/refresh-$run.txt"
    # Apps come back to refresh at their own times, not in the order their tokens were issued:
    # spent in random order, each refresh finds its old token on a page of its own.
    shuf -o "$work/refresh-$run.txt" "$work/refresh-$run.txt"
  elif wants introspect; then mint refresh 2 "$work/refresh-$run.txt"; fi
done
start_service "$work/svc" "$extra"
base="https://localhost:$SVC_PORT"
ca="$work/svc/data/tls/ca.pem"
verifier=
if wants code; then verifier=$(awk -F': ' '/^code_verifier/ {print $2}' "$work/mint-codes.log"); fi
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# check CURL_ARGS... PATH -> the body, or fails the bench showing the answer unless 200
check() {
  local out
  out=$(curl -s --cacert "$ca" -w '\n%{http_code}' "$@")
  [ "${out##*$'\n'}" = 200 ] || { echo "refused: $out" >&2; exit 1; }
  printf '%s' "${out%$'\n'*}"
}

code_prefix="grant_type=authorization_code&client_id=bench-app&redirect_uri=$(enc "$redirect")&code_verifier=$verifier&code="
refresh_prefix="grant_type=refresh_token&client_id=bench-app&refresh_token="
export URL_PATH=/auth/token

# Sanity: one of each works before anything is measured (and is not measured).
if wants code; then
  check -d "${code_prefix}$(head -1 "$work/codes-1.txt")" "$base/auth/token" >/dev/null
  for run in $(seq 1 "$runs"); do sed -i 1d "$work/codes-$run.txt"; done
fi
token_json=
if wants refresh; then
  token_json=$(check -d "${refresh_prefix}$(head -1 "$work/refresh-1.txt")" "$base/auth/token")
  for run in $(seq 1 "$runs"); do sed -i 1d "$work/refresh-$run.txt"; done
fi
if wants introspect; then
  [ -n "$token_json" ] || token_json=$(check -d "${refresh_prefix}$(head -1 "$work/refresh-1.txt")" \
    "$base/auth/token")
  export TOKEN BASIC_AUTH
  TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <<<"$token_json")
  BASIC_AUTH=$(printf '%s:%s' bench-fhir "$rs_secret" | base64 -w0)
  active=$(check -u "bench-fhir:$rs_secret" --data-urlencode "token=$TOKEN" "$base/auth/introspect")
  [[ "$active" == *'"active":true'* ]] || { echo "introspection says: $active" >&2; exit 1; }
fi

bench_header
for run in $(seq 1 "$runs"); do
  if wants introspect; then
    bench introspect_active_JWT "$run" bench/introspect.lua /auth/introspect
  fi
  if wants code; then
    BASIC_AUTH= BODY_PREFIX="$code_prefix" LINES="$work/codes-$run.txt" \
      bench authorization_code "$run" bench/form_lines.lua /auth/token
  fi
  if wants refresh; then
    BASIC_AUTH= BODY_PREFIX="$refresh_prefix" LINES="$work/refresh-$run.txt" \
      bench refresh_token "$run" bench/form_lines.lua /auth/token
  fi
done
openssl_speed_line
echo "smart-auth peak RSS (VmHWM): $(peak_rss_kb "$SVC_PID") kB"
# Group commit: how many durable writes shared each commit (fsync) over the whole run.
store_commits_line "$base" "$ca"
