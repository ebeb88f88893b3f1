#!/usr/bin/env bash
# The registry with 1000 instances on 1 s HTTP checks, the health endpoints served by nginx in the
# same run (20 ports, 50 services of 20 instances). API latency is measured twice on the same
# data: with the instances on TTL checks (nothing to run: the baseline), then with all of them on
# 1 s HTTP checks. Prints both p99s, their ratio, the checks run per second and how late checks
# start (scheduling lag). Target: p99 < 20 ms under the check load.
# Usage: registry-checks.sh --bin BUILD/bin --probe BUILD/tests/bench_registry_load
#                           [--instances N] [--duration S] [--rate R]
set -euo pipefail
bin="" probe="" instances=1000 duration=20 rate=200
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --probe) probe=$2; shift 2 ;;
    --instances) instances=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeckd" ] && [ -x "$probe" ] || { echo "need --bin with meshdeckd and --probe" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx is needed (installer/setup-deps.sh)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# nginx: /healthz on 20 loopback ports.
ports=$(python3 -c '
import socket
socks = [socket.socket() for _ in range(20)]
for s in socks: s.bind(("127.0.0.1", 0))
print(",".join(str(s.getsockname()[1]) for s in socks))')
listens=$(echo "$ports" | tr ',' '\n' | sed 's/.*/    listen 127.0.0.1:&;/')
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  server {
$listens
    location / { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
CONF
nginx -e "$work/nginx-error.log" -p "$work" -c "$work/nginx.conf" &
pids+=($!)
first_port=${ports%%,*}
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$first_port/healthz" >/dev/null 2>&1 && break; sleep 0.05; done

"$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --log-level warning > "$work/ready" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
read -r md_port token_file < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["url"].rsplit(":",1)[1], r["adminTokenFile"])' "$work/ready")
token=$(cat "$token_file")

field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$1" "$2"; }

"$probe" register "$md_port" "$token" "$instances" ttl "$ports"
baseline=$("$probe" measure "$md_port" "$token" "$duration" "$rate")

# The same instances again (same address and port: an update) with 1 s HTTP checks.
"$probe" register "$md_port" "$token" "$instances" http "$ports"
# Wait until every instance has had its first check (one pass is enough: healthyThreshold 1).
passing_now() {
  curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$md_port/v1/registry/services" |
    python3 -c 'import json,sys; print(sum(s["counts"]["passing"] for s in json.load(sys.stdin)["services"] if not s["builtin"]))'
}
deadline=$((SECONDS + 60))
until [ "$(passing_now)" -ge "$instances" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "registry-checks: only $(passing_now) of $instances instances passing after 60 s" >&2
    exit 1
  fi
  sleep 0.2
done
before=$("$probe" stats "$md_port" "$token")
start=$(date +%s.%N)
loaded=$("$probe" measure "$md_port" "$token" "$duration" "$rate")
after=$("$probe" stats "$md_port" "$token")
elapsed=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")

checks_per_s=$(python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(f'{(b[\"checksStarted\"]-a[\"checksStarted\"])/float(sys.argv[3]):.0f}')" "$before" "$after" "$elapsed")
printf 'benchmark: registry API under check load, %s instances (%s services x 20 nginx ports), %s cores\n' "$instances" "$((instances / 20))" "$(nproc)"
printf '  API requests: %s/s for %s s, alternating GET /v1/registry/services and .../services/svc-N/instances?status=passing\n' "$rate" "$duration"
printf '  %-34s %8s %8s %8s\n' phase 'p50 ms' 'p99 ms' 'max ms'
printf '  %-34s %8.2f %8.2f %8.2f\n' "TTL instances (no checks to run)" "$(field "$baseline" 'd["p50"]')" "$(field "$baseline" 'd["p99"]')" "$(field "$baseline" 'd["max"]')"
printf '  %-34s %8.2f %8.2f %8.2f\n' "1 s HTTP checks against nginx" "$(field "$loaded" 'd["p50"]')" "$(field "$loaded" 'd["p99"]')" "$(field "$loaded" 'd["max"]')"
printf '  p99 ratio checks/baseline: %sx; p99 under checks: %s ms (target < 20 ms)\n' \
  "$(python3 -c "import json,sys; print(f'{json.loads(sys.argv[2])[\"p99\"]/max(0.001,json.loads(sys.argv[1])[\"p99\"]):.2f}')" "$baseline" "$loaded")" \
  "$(field "$loaded" 'd["p99"]')"
printf '  checks run: %s/s (expected ~%s/s); scheduling lag p50 %s ms, p99 %s ms, max %s ms (last %s checks)\n' \
  "$checks_per_s" "$instances" "$(field "$after" 'd["schedulingLagMs"]["p50"]')" "$(field "$after" 'd["schedulingLagMs"]["p99"]')" \
  "$(field "$after" 'd["schedulingLagMs"]["max"]')" "$(field "$after" 'd["schedulingLagMs"]["samples"]')"
passing=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$md_port/v1/registry/services" | python3 -c 'import json,sys; print(sum(s["counts"]["passing"] for s in json.load(sys.stdin)["services"] if not s["builtin"]))')
printf '  instances passing at the end: %s of %s\n' "$passing" "$instances"
