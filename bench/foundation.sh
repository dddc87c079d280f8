#!/usr/bin/env bash
# Foundation benchmark (issue 2): discovery and JWKS over keep-alive TLS with wrk, against
# nginx serving the same bytes with the same certificate on the same machine in the same run;
# peak RSS of smart-auth; cold start to first answered request on an existing data dir.
# Usage: bench/foundation.sh   (WRK_SECONDS, WRK_CONNECTIONS override the defaults 10 / 32)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps --bench
[ "${BENCH_NO_BUILD:-0}" = 1 ] || scripts/build release >/dev/null
source bench/lib.sh

work=$(mktemp -d /tmp/smart-auth-bench-XXXXXX)
trap 'stop_service; [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null; rm -rf "$work"' EXIT

start_service "$work/svc"
base="https://localhost:$SVC_PORT"
ca="$work/svc/data/tls/ca.pem"
mkdir -p "$work/www/.well-known"
curl -sf --cacert "$ca" "$base/.well-known/smart-configuration" >"$work/www/.well-known/smart-configuration"
curl -sf --cacert "$ca" "$base/.well-known/jwks.json" >"$work/www/.well-known/jwks.json"

# nginx workers drop to an unprivileged user: let them read the documents and the key.
chmod a+rx "$work" "$work/svc" "$work/svc/data" "$work/svc/data/tls"
chmod -R a+rX "$work/www"
chmod a+r "$work/svc/data/tls/server.pem" "$work/svc/data/tls/server-key.pem"

# nginx with the same certificate, 2 workers (the service runs 2 I/O threads on 2 cores).
nginx_port=$(( (SVC_PORT % 20000) + 30000 ))
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/svc/data/tls/server.pem;
    ssl_certificate_key $work/svc/data/tls/server-key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $work/www;
    default_type application/json;
    location / { add_header Cache-Control "public, max-age=300"; }
  }
}
CONF
pin=(taskset -c "$SERVER_CPU")  # nginx on the service's core: the same per-core comparison
[ "${BENCH_PIN:-1}" = 0 ] && pin=()
"${pin[@]}" nginx -c "$work/nginx.conf" &
NGINX_PID=$!
sleep 0.5

printf '%-28s %10s %8s %8s\n' "target" "req/s" "p50 ms" "p99 ms"
for path in /.well-known/smart-configuration /.well-known/jwks.json; do
  read -r rps p50 p99 bad _ cpu_us < <(run_wrk "$base$path")
  printf '%-28s %10s %8s %8s  (non-2xx: %s, smart-auth CPU %s us/request)\n' \
    "smart-auth $(basename "$path")" "$rps" "$p50" "$p99" "$bad" "$cpu_us"
  read -r nrps np50 np99 nbad _ _ < <(run_wrk "https://localhost:$nginx_port$path")
  printf '%-28s %10s %8s %8s  (non-2xx: %s)\n' "nginx $(basename "$path")" "$nrps" "$np50" "$np99" "$nbad"
  awk -v a="$rps" -v b="$nrps" 'BEGIN {printf "  smart-auth / nginx = %.0f%%\n", 100*a/b}'
done
echo "smart-auth peak RSS: $(peak_rss_kb "$SVC_PID") kB"
stop_service

# Cold start on the existing data dir: spawn to first answered request.
start_ns=$(date +%s%N)
"$BIN" --config "$work/svc/bench.yaml" --ready-file "$work/ready2.json" >/dev/null 2>&1 &
SVC_PID=$!
until [ -s "$work/ready2.json" ]; do sleep 0.001; done
port=$(sed -E 's/.*"https_port":([0-9]+).*/\1/' "$work/ready2.json")
until curl -sf --cacert "$ca" "https://localhost:$port/healthz" >/dev/null; do sleep 0.001; done
end_ns=$(date +%s%N)
echo "cold start to first answered request: $(( (end_ns - start_ns) / 1000000 )) ms (includes curl's own start-up)"
