#!/usr/bin/env bash
# Chat fan-out: SESSIONS realtime sessions subscribed to one chat room; messages sent through
# POST /v1/chat/rooms/{id}/messages; send-to-receive latency at every session (p50/p99), against
# Redis pub/sub fanning payloads of the same length out to the same number of subscribers, with the
# same client threads, in the same run. Two phases: ONE_BY_ONE messages each sent once every session
# has the one before (how long a message takes to reach the whole room: issue 13's target, p99 <
# 100 ms at 10 000 sessions), then MESSAGES sent 20 ms apart (a stream that keeps both cores busy:
# a message is often still fanning out when the next is sent).
# The client receives on plain epoll sockets (no Qt per session) and prints its own CPU time per
# delivery, to show that the figures are the server's; every session must get every message once.
# Usage: chat-fanout.sh --bin BUILD/bin [--sessions N] [--one-by-one K] [--messages M] [--threads T]
set -euo pipefail
bin="" sessions=10000 one_by_one=20 messages=50 threads=2
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --one-by-one) one_by_one=$2; shift 2 ;;
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
  "${pids[0]}" "${pids[1]}" "$one_by_one" > "$work/result.json" || rc=$?
[ -s "$work/result.json" ] || { echo "the fan-out client failed (exit $rc) before it measured" >&2; exit 1; }
python3 - "$work/result.json" "$(redis-server --version | awk '{print $3}')" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
md, rd = r["meshdeckd"], r["redis"]
n = r["sessions"] * r["messages"]
k = md["oneByOne"]["deliveries"] // max(r["sessions"], 1)
print(f"benchmark: chat fan-out, {r['sessions']} sessions on one room, {k} messages sent one by one, then {r['messages'] - k} sent 20 ms apart, {r['threads']} client threads")
print(f"  events of {md['bytesPerDelivery']:.0f} bytes; Redis messages padded to {rd['bytesPerDelivery']:.0f} bytes a delivery")
def line(f):
    return (f"p50 {f['p50Ms']:7.1f} ms  p99 {f['p99Ms']:7.1f} ms  max {f['maxMs']:7.1f} ms  "
            f"server {f['serverCpuUsPerDelivery']:5.2f} us, client {f['clientCpuUsPerDelivery']:5.2f} us CPU a delivery")
for phase, title in (("oneByOne", "one by one"), ("stream", "stream")):
    if md[phase]["deliveries"] == 0:
        continue
    print(f"  {title:10}  meshdeckd chat room     {line(md[phase])}")
    print(f"  {title:10}  Redis {sys.argv[2]} pub/sub {line(rd[phase])}")
    target = "; target p99 < 100 ms at 10 000 sessions" if phase == "oneByOne" else ""
    print(f"  {title:10}  p99 ratio meshdeckd/Redis: {md[phase]['p99Ms'] / max(rd[phase]['p99Ms'], 0.001):.2f}x{target}")
print(f"  delivered: meshdeckd {md['deliveries']} of {n}, Redis {rd['deliveries']} of {n}")
for name, f in (("meshdeckd", md), ("Redis", rd)):
    if not f['complete']:
        print(f"  {name}: FAILED: {f['duplicates']} duplicate, {f['misses']} missing, {f['unexpected']} unexpected "
              f"deliveries, {f['failedSessions']} failed sessions")
PY
exit $rc
