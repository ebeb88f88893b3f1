#!/usr/bin/env bash
# /healthz on meshdeckd against nginx `return 200` in the same run: same wrk load (threads,
# connections, duration, keep-alive), same number of server threads/workers, loopback only.
# Prints requests/s and p99 of both and the ratios. Exits non-zero only if something failed to run.
# Usage: http-vs-nginx.sh --bin BUILD/bin [--duration S] [--connections C] [--threads N] [--pin]
# --pin: wrk on core 0, one server thread/worker on core 1. On a 2-core machine wrk and the
# servers otherwise share cores, and p99 mostly measures the scheduler's time slices.
set -euo pipefail
bin="" duration=10 connections=64 threads=$(nproc) pin=0
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --pin) pin=1; threads=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeckd" ] || { echo "no meshdeckd in '$bin'" >&2; exit 2; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "wrk and nginx are needed (installer/setup-deps.sh)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

server_cpu=() client_cpu=() wrk_threads=2
if [ "$pin" = 1 ]; then
  [ "$(nproc)" -ge 2 ] || { echo "--pin needs two cores" >&2; exit 2; }
  server_cpu=(taskset -c 1) client_cpu=(taskset -c 0) wrk_threads=1
fi

"${server_cpu[@]}" "$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --threads "$threads" --log-level warning > "$work/ready" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
md_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")

ng_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/nginx.conf" <<CONF
worker_processes $threads;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$ng_port;
    location / { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
CONF
"${server_cpu[@]}" nginx -e "$work/nginx-error.log" -p "$work" -c "$work/nginx.conf" &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$ng_port/healthz" >/dev/null 2>&1 && break; sleep 0.05; done

# wrk prints "Requests/sec: N" and, with --latency, "99%  1.23ms".
measure() {
  "${client_cpu[@]}" wrk -t"$wrk_threads" -c"$connections" -d1s "$1" >/dev/null  # warm-up
  "${client_cpu[@]}" wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency "$1" > "$work/wrk.out"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$work/wrk.out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$work/wrk.out")
  [ -n "$errors" ] && echo "  note: $errors" >&2
  echo "$rps $p99"
}

# Alternate the servers, two rounds each, and compare best with best: on a noisy 2-core machine a
# single round of either can lose a time slice to wrk.
md_url_h="$md_url/healthz" ng_url_h="http://127.0.0.1:$ng_port/healthz"
rows=()
for round in 1 2; do
  read -r r p < <(measure "$md_url_h"); rows+=("meshdeckd $round $r $p")
  read -r r p < <(measure "$ng_url_h"); rows+=("nginx $round $r $p")
done

layout="shared cores"; [ "$pin" = 1 ] && layout="wrk pinned to core 0, server to core 1"
printf 'benchmark: GET /healthz, wrk -t%s -c%s -d%ss, %s server threads/workers, %s cores, %s\n' "$wrk_threads" "$connections" "$duration" "$threads" "$(nproc)" "$layout"
printf '  %-22s %12s %10s\n' server 'requests/s' 'p99 ms'
for row in "${rows[@]}"; do
  set -- $row
  label="$1 (round $2)"; [ "$1" = nginx ] && label="nginx 1.22 (round $2)"
  printf '  %-22s %12.0f %10.2f\n' "$label" "$3" "$4"
done
printf '%s\n' "${rows[@]}" | python3 -c '
import sys
rows = [l.split() for l in sys.stdin if l.strip()]
best = lambda name, col, f: f(float(r[col]) for r in rows if r[0] == name)
md_rps, ng_rps = best("meshdeckd", 2, max), best("nginx", 2, max)
md_p99, ng_p99 = best("meshdeckd", 3, min), best("nginx", 3, min)
print(f"  throughput ratio meshdeckd/nginx: {md_rps / ng_rps:.2f}x (best of rounds; target >= 1.00x)")
print(f"  p99 ratio meshdeckd/nginx:        {md_p99 / ng_p99:.2f}x (best of rounds; target <= 1.00x)")
'
