#!/usr/bin/env bash
# Realtime fan-out: SUBSCRIBERS WebSocket clients on one topic; publish-to-receive latency at
# every subscriber (p50/p99) and meshdeckd's RSS per idle connection.
# Targets (issue): p99 < 50 ms, < 32 KiB per idle connection.
# Usage: realtime-fanout.sh --bin BUILD/bin [--subscribers N] [--events M]
set -euo pipefail
bin="" subscribers=1000 events=100
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --subscribers) subscribers=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
tool="$bin/../tests/bench_realtime_fanout"
[ -x "$bin/meshdeckd" ] && [ -x "$tool" ] || { echo "build meshdeckd and bench_realtime_fanout first" >&2; exit 2; }
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --log-level warning > "$work/ready" &
pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")
"$tool" "$url" "$(cat "$work/data/admin.token")" "$pid" "$subscribers" "$events" > "$work/result.json"
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"benchmark: realtime fan-out, {r['subscribers']} WebSocket subscribers, {r['events']} events published one by one")
print(f"  deliveries: {r['deliveries']} of {r['subscribers'] * r['events']}")
print(f"  publish -> receive latency: p50 {r['p50Ms']:.1f} ms, p99 {r['p99Ms']:.1f} ms, max {r['maxMs']:.1f} ms (target p99 < 50 ms)")
print(f"  meshdeckd RSS per idle connection: {r['bytesPerIdleConnection'] / 1024:.1f} KiB (target < 32 KiB)")
PY
