#!/usr/bin/env bash
# Chat fan-out: SESSIONS realtime sessions subscribed to one chat room, MESSAGES sent one at a time
# through POST /v1/chat/rooms/{id}/messages; send-to-receive latency at every session (p50/p99),
# against Redis pub/sub fanning the same payloads out to the same number of subscribers, with the
# same client threads, in the same run. Target (issue 13): p99 < 100 ms at 10 000 sessions.
# The client receives on plain epoll sockets (no Qt per session) and prints its own CPU time per
# delivery, to show that the figures are the server's; every session must get every message once.
# Usage: chat-fanout.sh --bin BUILD/bin [--sessions N] [--messages M] [--threads T]
set -euo pipefail
bin="" sessions=10000 messages=50 threads=2
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
tool="$bin/../tests/bench_chat_fanout"
[ -x "$bin/meshdeckd" ] && [ -x "$tool" ] || { echo "build meshdeckd and bench_chat_fanout first" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "redis-server is needed (installer/setup-deps.sh)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --log-level warning \
  --max-realtime-sessions $((sessions + 16)) > "$work/ready" &
pids+=($!)
for _ in $(seq 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")

redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no \
  --maxclients $((sessions + 64)) --daemonize no --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done

rc=0
timeout 600 "$tool" "$url" "$(cat "$work/data/admin.token")" "$redis_port" "$sessions" "$messages" "$threads" \
  "${pids[0]}" "${pids[1]}" > "$work/result.json" || rc=$?
[ -s "$work/result.json" ] || { echo "the fan-out client failed (exit $rc) before it measured" >&2; exit 1; }
python3 - "$work/result.json" "$(redis-server --version | awk '{print $3}')" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
md, rd = r["meshdeckd"], r["redis"]
n = r["sessions"] * r["messages"]
print(f"benchmark: chat fan-out, {r['sessions']} sessions on one room, {r['messages']} messages sent one by one, {r['threads']} client threads")
print(f"  meshdeckd chat room:    p50 {md['p50Ms']:7.1f} ms  p99 {md['p99Ms']:7.1f} ms  max {md['maxMs']:7.1f} ms  ({md['deliveries']} of {n} delivered)")
print(f"  Redis {sys.argv[2]} pub/sub: p50 {rd['p50Ms']:7.1f} ms  p99 {rd['p99Ms']:7.1f} ms  max {rd['maxMs']:7.1f} ms  ({rd['deliveries']} of {n} delivered)")
print(f"  p99 ratio meshdeckd/Redis: {md['p99Ms'] / max(rd['p99Ms'], 0.001):.2f}x; target p99 < 100 ms at 10 000 sessions")
def client(f):
    busy = 100.0 * f['clientCpuMs'] / max(f['windowMs'] * r['threads'], 0.001)
    return f"{f['clientCpuUsPerDelivery']:.2f} us CPU per delivery ({busy:.0f}% of its threads' time)"
print(f"  client ({r['threads']} epoll threads): meshdeckd run {client(md)}; Redis run {client(rd)}")
print(f"  server CPU per delivery: meshdeckd {md['serverCpuUsPerDelivery']:.2f} us, Redis {rd['serverCpuUsPerDelivery']:.2f} us")
for name, f in (("meshdeckd", md), ("Redis", rd)):
    if not f['complete']:
        print(f"  {name}: FAILED: {f['duplicates']} duplicate, {f['misses']} missing, {f['unexpected']} unexpected "
              f"deliveries, {f['failedSessions']} failed sessions")
PY
exit $rc
