#!/usr/bin/env bash
# Token endpoint benchmark (issue 3): client_credentials over keep-alive TLS with wrk, for
# client_secret_basic and for private_key_jwt with RS384 and ES384 assertions (pre-signed by
# bench/make_assertions.cpp, each jti sent once). Store durable (the defaults: synchronous=FULL,
# group commit). Peak RSS; and, while ES384 saturates the service, the latency a low-rate
# client_secret_basic client sees. And introspection (RFC 7662) of a client_credentials token,
# which is not recorded: its signature is checked once, then remembered (TokenInspector).
# Per core, as the field measures it (issue 6 §4): the service pinned to one core, wrk to the
# other (lib.sh), 32 keep-alive TLS connections; each row also gives the service's CPU time per
# request (all threads, from /proc/PID/stat), which stays meaningful on a busy machine, and the
# rate one core would reach at that cost. `openssl speed` on the service's core closes the table.
# Usage: bench/token.sh   (WRK_SECONDS, WRK_CONNECTIONS, WRK_THREADS, BENCH_SERVER_CPU,
#   BENCH_CLIENT_CPU, BENCH_PIN as in lib.sh; BENCH_RUNS, default 2;
#   SMART_AUTH_BIN=path/to/smart-auth skips the build; BENCH_EXTRA_YAML adds config sections;
#   BENCH_SCENARIOS="basic introspect rs384 es384 discovery degradation" picks scenarios
#   (default: all);
#   PERF_DIR=dir records `perf record $PERF_ARGS` (default -g) of the service during each wrk
#   run into dir/NAME-RUN.data; BENCH_CALLGRIND=dir runs the service under callgrind instead and
#   adds each row's instructions per request, profiles in dir/NAME-RUN.callgrind: see lib.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps --bench
if [ -z "${SMART_AUTH_BIN:-}" ] && [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  scripts/build release >/dev/null
fi
source bench/lib.sh

secs=${WRK_SECONDS:-10}
runs=${BENCH_RUNS:-2}
# Enough assertions for the run at well above the expected rate; the lua script reports a shortfall.
rs_count=${RS384_ASSERTIONS:-$((4000 * secs))}
es_count=${ES384_ASSERTIONS:-$((1500 * secs))}

work=$(mktemp -d /tmp/smart-auth-bench-XXXXXX)
trap '[ -z "${BENCH_KEEP_LOG:-}" ] || cp "${WRK_LOG:-/dev/null}" "$BENCH_KEEP_LOG"
  stop_service; rm -rf "$work"' EXIT
export WRK_LOG="$work/wrk.log" WRK_THREADS="${WRK_THREADS:-1}"
scenarios=" ${BENCH_SCENARIOS:-basic introspect rs384 es384 discovery degradation} "
wants() { [[ "$scenarios" == *" $1 "* ]]; }

g++ -std=c++20 -O2 -o "$work/make_assertions" bench/make_assertions.cpp -lcrypto -pthread

# CONTRACT "Registration policy": client_credentials needs an initial access token, and the
# secret methods must be allowed for it (BENCH_EXTRA_YAML must not repeat these two sections).
iat=bench-initial-access-token-0123456789abcdef
start_service "$work/svc" "registration:
  initial_access_tokens:
    - {token: $iat, max_scope: system/*.rs, description: bench}
tokens:
  client_credentials_auth_methods: [private_key_jwt, client_secret_basic]
${BENCH_EXTRA_YAML:-}"
base="https://localhost:$SVC_PORT"
ca="$work/svc/data/tls/ca.pem"
aud="https://localhost:8443/auth/token"  # public_base_url (lib.sh) + /auth/token

# register JSON -> the client information response (RFC 7591 §3.2.1)
# (RFC 7591 §3: an initial access token, when the service's registration policy asks for one.)
register() {
  curl -sf --cacert "$ca" -H 'Content-Type: application/json' -H "Authorization: Bearer $iat" \
    -d "$1" "$base/auth/register"
}
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

basic_reg=$(register '{"token_endpoint_auth_method":"client_secret_basic",
  "grant_types":["client_credentials"],"scope":"system/*.rs","client_name":"bench basic"}')
basic_id=$(field client_id <<<"$basic_reg")
basic_secret=$(field client_secret <<<"$basic_reg")
# RFC 6749 §2.3.1: form-encode id and secret before base64 (both are base64url already).
export BASIC_AUTH
BASIC_AUTH=$(printf '%s:%s' "$basic_id" "$basic_secret" | base64 -w0)

declare -A client_id
for alg in RS384 ES384; do
  kind=rsa; [ "$alg" = ES384 ] && kind=ec
  jwks=$("$work/make_assertions" keygen "$kind" "$work/$alg.pem" "bench-$alg")
  reg=$(register "{\"token_endpoint_auth_method\":\"private_key_jwt\",
    \"grant_types\":[\"client_credentials\"],\"scope\":\"system/*.rs\",
    \"client_name\":\"bench $alg\",\"jwks\":$jwks}")
  client_id[$alg]=$(field client_id <<<"$reg")
done

# token_check CURL_ARGS... -> fails the bench, showing the answer, unless the token endpoint says 200
token_check() {
  local out
  out=$(curl -s --cacert "$ca" -w '\n%{http_code}' "$@" "$base/auth/token")
  [ "${out##*$'\n'}" = 200 ] || { echo "token request refused: $out" >&2; exit 1; }
}
form='grant_type=client_credentials&scope=system%2F*.rs'
assertion_form="$form&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
# bench/form_lines.lua sends this with each pre-signed assertion appended, each once.
assertion_body="$assertion_form&client_assertion="

# sign ALG COUNT -> $work/ALG.txt, fresh jtis and exp = now + 300; one more is spent on a check.
sign() {
  local t0=$(date +%s%N)
  "$work/make_assertions" sign "$work/$1.pem" "$1" "bench-$1" "${client_id[$1]}" "$aud" \
    "$(($2 + 1))" "$work/$1.all" "$(nproc)"
  echo "  (signed $2 $1 assertions in $(( ($(date +%s%N) - t0) / 1000000 )) ms)" >&2
  token_check -d "$assertion_form&client_assertion=$(head -1 "$work/$1.all")"
  tail -n +2 "$work/$1.all" >"$work/$1.txt"
}
token_check -u "$basic_id:$basic_secret" -d "$form"
# bench/introspect.lua: the basic client (a confidential client may introspect) asks about one
# of its own tokens, as a resource server checking each request would.
if wants introspect; then
  export TOKEN
  TOKEN=$(curl -sf --cacert "$ca" -u "$basic_id:$basic_secret" -d "$form" "$base/auth/token" |
    field access_token)
  active=$(curl -sf --cacert "$ca" -u "$basic_id:$basic_secret" --data-urlencode "token=$TOKEN" \
    "$base/auth/introspect")
  [[ "$active" == *'"active":true'* ]] || { echo "introspection says: $active" >&2; exit 1; }
fi

bench_header
for run in $(seq 1 "$runs"); do
  if wants discovery; then
    bench discovery_GET "$run" "" /.well-known/smart-configuration
  fi
  if wants basic; then
    bench client_secret_basic "$run" bench/token_basic.lua
  fi
  if wants introspect; then
    bench introspect_backend_JWT "$run" bench/introspect.lua /auth/introspect
  fi
  if wants rs384; then
    sign RS384 "$rs_count"
    BASIC_AUTH= BODY_PREFIX="$assertion_body" LINES="$work/RS384.txt" bench private_key_jwt_RS384 "$run" bench/form_lines.lua
  fi
  if wants es384; then
    sign ES384 "$es_count"
    BASIC_AUTH= BODY_PREFIX="$assertion_body" LINES="$work/ES384.txt" bench private_key_jwt_ES384 "$run" bench/form_lines.lua
  fi
done
openssl_speed_line
echo "smart-auth peak RSS (VmHWM): $(peak_rss_kb "$SVC_PID") kB"
store_commits_line "$base" "$ca"
wants degradation || exit 0

# Graceful degradation: ES384 saturates the service's core; meanwhile one client_secret_basic client sends
# 50 sequential requests on one keep-alive connection (curl, many URLs = one connection).
sign ES384 "$es_count"
BASIC_AUTH= BODY_PREFIX="$assertion_body" LINES="$work/ES384.txt" on_cpu "$CLIENT_CPU" wrk -t"$WRK_THREADS" -c"${WRK_CONNECTIONS:-32}" \
  -d"${secs}s" --latency \
  -s bench/form_lines.lua "$base/auth/token" >"$work/es-bg.log" &
wrk_bg=$!
sleep 2
urls=(); for _ in $(seq 1 50); do urls+=(-o /dev/null "$base/auth/token"); done
curl -s --cacert "$ca" -u "$basic_id:$basic_secret" -d "$form" \
  -w '%{http_code} %{time_total}\n' "${urls[@]}" >"$work/side.txt"
wait "$wrk_bg"
es_rps=$(awk '/Requests\/sec/ {print $2}' "$work/es-bg.log")
sort -k2 -n "$work/side.txt" | awk -v es="$es_rps" '
  { t[NR] = $2 * 1000; codes[$1]++ }
  END { printf "under ES384 load (%s req/s): 50 sequential client_secret_basic requests: " \
               "p50 %.2f ms, max %.2f ms, status:", es, t[int((NR + 1) / 2)], t[NR]
        for (c in codes) printf " %s x%d", c, codes[c]; print "" }'

echo "smart-auth peak RSS (VmHWM) after the degradation run: $(peak_rss_kb "$SVC_PID") kB"
