# Shared helpers for the bench scripts: start smart-auth on a temp data dir, run wrk, read RSS.
# Sourced, not run. Everything binds to 127.0.0.1 only.
# Measured the way the field measures per-core figures: the service pinned to one core
# (BENCH_SERVER_CPU, default 0) and wrk to another (BENCH_CLIENT_CPU, default 1), so wrk never
# steals the service's core. Set BENCH_PIN=0 to run unpinned.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SMART_AUTH_BIN picks another build (e.g. build-bench/smart-auth); default: scripts/build release.
BIN="${SMART_AUTH_BIN:-$BENCH_ROOT/build/smart-auth}"
SERVER_CPU="${BENCH_SERVER_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"

# on_cpu CPU COMMAND...: runs COMMAND pinned to CPU (unless BENCH_PIN=0).
on_cpu() {
  local cpu="$1"
  shift
  if [ "${BENCH_PIN:-1}" = 0 ]; then "$@"; else taskset -c "$cpu" "$@"; fi
}

# start_service DIR [EXTRA_YAML]: writes DIR/bench.yaml, starts the service, sets SVC_PID, SVC_PORT.
start_service() {
  local dir="$1" extra="${2:-}"
  mkdir -p "$dir"
  cat >"$dir/bench.yaml" <<YAML
data_dir: "$dir/data"
server:
  listen: "127.0.0.1:0"
  public_base_url: "https://localhost:8443"
store:
  path: "$dir/data/smart-auth.db"
  group_commit_window_us: ${BENCH_COMMIT_WINDOW_US:-5000}
log:
  level: warn
$extra
YAML
  rm -f "$dir/ready.json"
  # A simple command in the background, so that $! is the service itself (taskset execs it, and
  # so does valgrind).
  local pin=(taskset -c "$SERVER_CPU")
  [ "${BENCH_PIN:-1}" = 0 ] && pin=()
  local wrap=() waits=400
  if [ -n "${BENCH_CALLGRIND:-}" ]; then
    command -v valgrind >/dev/null ||
      { echo "BENCH_CALLGRIND needs valgrind: apt-get install valgrind" >&2; exit 1; }
    mkdir -p "$BENCH_CALLGRIND"
    wrap=(valgrind --tool=callgrind --instr-atstart=no --collect-systime=nsec
      "--callgrind-out-file=$BENCH_CALLGRIND/callgrind.out.%p")
    waits=4000  # the service starts some 50 times slower under valgrind
  fi
  "${pin[@]}" "${wrap[@]}" "$BIN" --config "$dir/bench.yaml" --ready-file "$dir/ready.json" \
    >"$dir/service.log" 2>&1 &
  SVC_PID=$!
  for _ in $(seq 1 "$waits"); do
    [ -s "$dir/ready.json" ] && break
    sleep 0.025
  done
  SVC_PORT=$(sed -E 's/.*"https_port":([0-9]+).*/\1/' "$dir/ready.json")
}

stop_service() {
  kill -TERM "$SVC_PID" 2>/dev/null || true
  wait "$SVC_PID" 2>/dev/null || true
}

peak_rss_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# store_commits_line BASE_URL CA: how many durable writes shared each commit (fsync) over the
# service's whole run, and how many WAL checkpoints it took, from /metrics.
store_commits_line() {
  curl -s --cacert "$2" "$1/metrics" | awk '
    /^smart_auth_store_writes_total / { w = $2 } /^smart_auth_store_commits_total / { c = $2 }
    /^smart_auth_store_largest_batch / { l = $2 } /^smart_auth_store_checkpoints_total / { k = $2 }
    END { if (c > 0) printf "store: %d writes in %d commits (%.1f per commit, largest %d), %d checkpoints\n", w, c, w / c, l, k }'
}

# cpu_ticks PID: user + system CPU of the whole process (every thread, live or exited), in
# clock ticks. CPU time, unlike req/s, stays meaningful when other work shares the machine.
cpu_ticks() {
  # Fields 14 and 15 of /proc/PID/stat; the command name (field 2) may hold spaces, so count
  # from the closing parenthesis.
  sed -E 's/.*\) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
# cpu_us_per_request TICKS_BEFORE TICKS_AFTER REQUESTS -> microseconds of service CPU per request
cpu_us_per_request() {
  awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / hz / n; else print "-" }'
}

# openssl_speed_line: `openssl speed` on the service's core, for the table's last lines. Rates are
# per CPU-second of user time (openssl's default divisor), so comparable with cpu_us_per_request.
openssl_speed_line() {
  local out
  out=$(on_cpu "$SERVER_CPU" openssl speed -seconds "${OPENSSL_SECONDS:-2}" ecdsap256 ecdsap384 \
    rsa2048 2>/dev/null)
  awk '/ecdsa \(nistp256\)/ { p256 = $(NF - 1) }
       /ecdsa \(nistp384\)/ { p384 = $NF }
       /^rsa 2048 bits/ { rsa = $NF }
       END { printf "openssl speed on cpu %s: ecdsap256 sign %s/s (%.1f us), ecdsap384 verify %s/s " \
                    "(%.1f us), rsa2048 verify %s/s (%.1f us)\n", cpu, p256, 1e6 / p256, p384, \
                    1e6 / p384, rsa, 1e6 / rsa }' cpu="$SERVER_CPU" <<<"$out"
}

# es256_sign_us: microseconds per ES256 signature (`openssl speed ecdsap256`, 1 s) on the
# service's core, now. A VM's core changes speed with its neighbours (here, by up to a third
# within minutes), so each row divides its CPU per request by a signature timed right after it:
# "signs/req", the request's cost in the unit issue 6 states its targets against (95 us a request
# against 14 us a signature: 15k/s is 4.8 signatures a request, 10k/s 7.1, 8k/s 8.9, 25k/s 2.9).
es256_sign_us() {
  on_cpu "$SERVER_CPU" openssl speed -seconds 1 ecdsap256 2>/dev/null |
    awk '/ecdsa \(nistp256\)/ { p256 = $(NF - 1) } END { if (p256 > 0) printf "%.1f", 1e6 / p256 }'
}

# run_wrk URL [SCRIPT] -> prints "req/s p50_ms p99_ms non2xx requests cpu_us_per_request"; the
# full wrk output goes to $WRK_LOG when that is set. Keep-alive TLS (wrk reuses connections),
# WRK_CONNECTIONS (default 32) connections over WRK_THREADS (default 1) threads on CLIENT_CPU.
# Needs SVC_PID (start_service) for the CPU figure.
run_wrk() {
  local url="$1" script="${2:-}" out
  local args=(-t"${WRK_THREADS:-1}" -c"${WRK_CONNECTIONS:-32}" -d"${WRK_SECONDS:-10}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  local ticks0 ticks1
  ticks0=$(cpu_ticks "$SVC_PID")
  out=$(on_cpu "$CLIENT_CPU" wrk "${args[@]}" "$url")
  ticks1=$(cpu_ticks "$SVC_PID")
  [ -n "${WRK_LOG:-}" ] && printf '%s\n' "$out" >>"$WRK_LOG"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  local requests
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${non2xx:-0} ${requests:-0}" \
    "$(cpu_us_per_request "$ticks0" "$ticks1" "${requests:-0}")"
}

# wrk prints latencies as 1.23ms / 812.00us / 1.02s
to_ms() {
  local v="$1"
  case "$v" in
    *us) awk -v x="${v%us}" 'BEGIN {printf "%.2f", x/1000}' ;;
    *ms) awk -v x="${v%ms}" 'BEGIN {printf "%.2f", x}' ;;
    *s) awk -v x="${v%s}" 'BEGIN {printf "%.2f", x*1000}' ;;
    *) echo "$v" ;;
  esac
}

# perf_start NAME / perf_stop: `perf record $PERF_ARGS` (default -g) of the service into
# $PERF_DIR/NAME.data while a row runs, when PERF_DIR is set. With BENCH_CALLGRIND (the service
# runs under callgrind, see start_service) they switch instruction counting on and off instead,
# and perf_stop leaves the row's profile in $BENCH_CALLGRIND/callgrind.out.PID.N.
perf_start() {
  PERF_PID=
  if [ -n "${BENCH_CALLGRIND:-}" ]; then
    callgrind_control -z "$SVC_PID" >/dev/null 2>&1 && callgrind_control -i on "$SVC_PID" >/dev/null 2>&1
    return 0
  fi
  [ -n "${PERF_DIR:-}" ] || return 0
  mkdir -p "$PERF_DIR"
  # shellcheck disable=SC2086  # PERF_ARGS is a list of options
  perf record ${PERF_ARGS:--g} -o "$PERF_DIR/$1.data" -p "$SVC_PID" >/dev/null 2>&1 &
  PERF_PID=$!
}
perf_stop() {
  if [ -n "${BENCH_CALLGRIND:-}" ]; then
    callgrind_control -d "$SVC_PID" >/dev/null 2>&1 && callgrind_control -i off "$SVC_PID" >/dev/null 2>&1
    return 0
  fi
  [ -n "$PERF_PID" ] || return 0
  kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true
}

bench_header() {
  printf '%-22s %3s %10s %8s %8s %8s %10s %10s %8s %9s %9s\n' "scenario" "run" "req/s" "p50 ms" \
    "p99 ms" "non-2xx" "CPU us/req" "req/s/core" "KB w/req" "signs/req" "p99 signs"
}

# bench NAME RUN SCRIPT [PATH] -> one table row (bench_header's columns) for wrk against
# $base$PATH (default /auth/token) with SCRIPT; "resent" counts single-use lines that
# bench/form_lines.lua had to send again because its file ran out.
bench() {
  local name="$1" run="$2" script="$3" path="${4:-/auth/token}"
  perf_start "$name-$run"
  echo "== $name run $run" >>"$WRK_LOG"
  local rps p50 p99 bad requests cpu_us wchar_before
  wchar_before=$(awk '/^wchar/ {print $2}' "/proc/$SVC_PID/io")
  read -r rps p50 p99 bad requests cpu_us < <(run_wrk "$base$path" "$script")
  perf_stop
  # Bytes the service wrote per request (WAL, checkpoints, logs; /proc/PID/io wchar).
  local wkb
  wkb=$(awk -v b="$wchar_before" -v a="$(awk '/^wchar/ {print $2}' "/proc/$SVC_PID/io")" \
    -v n="$requests" 'BEGIN { if (n > 0) printf "%.1f", (a - b) / n / 1024; else print "-" }')
  local errors resent
  resent=$(sed -n "/== $name run $run/,\$p" "$WRK_LOG" | awk '/beyond the file/ {print $NF}')
  errors=$(sed -n "/== $name run $run/,\$p" "$WRK_LOG" | awk '/Socket errors/ {sub(/.*errors: /, ""); print}')
  local per_core signs p99_signs sign_us
  per_core=$(awk -v us="$cpu_us" 'BEGIN { if (us + 0 > 0) printf "%.0f", 1e6 / us; else print "-" }')
  sign_us=$(es256_sign_us)
  signs=$(awk -v us="$cpu_us" -v sign="$sign_us" \
    'BEGIN { if (us + 0 > 0 && sign + 0 > 0) printf "%.2f", us / sign; else print "-" }')
  # The p99 latency in the same unit: issue 8's 10 ms at 14 us a signature is 714.
  p99_signs=$(awk -v ms="$p99" -v sign="$sign_us" \
    'BEGIN { if (ms + 0 > 0 && sign + 0 > 0) printf "%.0f", ms * 1000 / sign; else print "-" }')
  printf '%-22s %3s %10s %8s %8s %8s %10s %10s %8s %9s %9s  %s%s\n' "$name" "$run" "$rps" \
    "$p50" "$p99" "$bad" "$cpu_us" "$per_core" "$wkb" "$signs" "$p99_signs" \
    "${errors:+socket errors: $errors }" "${resent:+resent: $resent}"
  [ -z "${BENCH_CALLGRIND:-}" ] || callgrind_row "$name-$run" "$requests"
}

# callgrind_row NAME REQUESTS: the row's user-space instructions per request, from the profile
# perf_stop just dumped. Unlike CPU time, an instruction count does not move with the neighbours
# of a VM's core, so two builds compare to a fraction of a percent; it leaves out the kernel's
# share (system calls, TCP), which `strace -c -f` counts instead.
callgrind_row() {
  local out
  out=$(ls -t "$BENCH_CALLGRIND"/callgrind.out."$SVC_PID".* 2>/dev/null | head -1)
  [ -n "$out" ] || return 0
  mv "$out" "$BENCH_CALLGRIND/$1.callgrind"
  # wrk opens its connections anew for each row: their TLS handshakes are not the requests' cost.
  local handshakes
  handshakes=$(callgrind_annotate --inclusive=yes "$BENCH_CALLGRIND/$1.callgrind" 2>/dev/null |
    awk '/SSL_do_handshake/ { gsub(",", "", $1); print $1; exit }' || true)
  awk -v n="$2" -v name="$1" -v hs="${handshakes:-0}" '/^summary:|^totals:/ { ir = $2; sys = $3 }
    END { if (n > 0) printf "  %s: %d requests; a request: %.0f instructions (%.0f with the " \
                            "TLS handshakes), %.1f system calls (callgrind)\n", name, n, \
                            (ir - hs) / n, ir / n, sys / n }' "$BENCH_CALLGRIND/$1.callgrind"
}
