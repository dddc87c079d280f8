# Shared helpers for the bench scripts: start smart-auth on a temp data dir, run wrk, read RSS.
# Sourced, not run. Everything binds to 127.0.0.1 only.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SMART_AUTH_BIN picks another build (e.g. build-bench/smart-auth); default: scripts/build release.
BIN="${SMART_AUTH_BIN:-$BENCH_ROOT/build/smart-auth}"

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
  group_commit_window_us: ${BENCH_COMMIT_WINDOW_US:-1000}
log:
  level: warn
$extra
YAML
  rm -f "$dir/ready.json"
  "$BIN" --config "$dir/bench.yaml" --ready-file "$dir/ready.json" >"$dir/service.log" 2>&1 &
  SVC_PID=$!
  for _ in $(seq 1 400); do
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

# run_wrk URL [SCRIPT] -> prints "req/s p50_ms p99_ms non2xx"; the full wrk output goes to
# $WRK_LOG when that is set.
run_wrk() {
  local url="$1" script="${2:-}" out
  local args=(-t2 -c"${WRK_CONNECTIONS:-32}" -d"${WRK_SECONDS:-10}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  out=$(wrk "${args[@]}" "$url")
  [ -n "${WRK_LOG:-}" ] && printf '%s\n' "$out" >>"$WRK_LOG"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${non2xx:-0}"
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
