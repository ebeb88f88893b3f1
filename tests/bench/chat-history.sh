#!/usr/bin/env bash
# Chat search and history at scale: MESSAGES messages in one room (written by the chat store while
# meshdeckd is stopped), then over HTTP: history pages (50 messages) at random depths and typical
# searches, p50/p99, each next to the same query on the store alone and to /healthz.
# Targets (issue 13), at 1 000 000 messages: search p99 < 50 ms, history page p99 < 10 ms.
# Usage: chat-history.sh --bin BUILD/bin [--messages N]
set -euo pipefail
bin="" messages=1000000
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
tool="$bin/../tests/bench_chat_history"
[ -x "$bin/meshdeckd" ] && [ -x "$tool" ] || { echo "build meshdeckd and bench_chat_history first" >&2; exit 2; }
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
start() {
  rm -f "$work/ready"
  "$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --log-level warning > "$work/ready" &
  pid=$!
  for _ in $(seq 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
  url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")
  token=$(cat "$work/data/admin.token")
}
stop() { kill "$pid"; wait "$pid" || true; pid=""; }

start
room=$(curl -fs -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"type":"group","name":"bench-history","private":false}' "$url/v1/chat/rooms" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
stop
timeout 900 "$tool" load "$work/data/meshdeck.db" "$room" "$messages" > "$work/load.json"
start
timeout 600 "$tool" measure "$url" "$token" "$room" "$messages" "$work/data/meshdeck.db" > "$work/result.json"
python3 - "$work/load.json" "$work/result.json" <<'PY'
import json, sys
load = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
def f(s): return f"p50 {s['p50Ms']:6.2f} ms  p99 {s['p99Ms']:6.2f} ms  (n={s['n']})"
print(f"benchmark: chat history and search, {r['messages']} messages in one room "
      f"(loaded through the store in {load['seconds']} s)")
print(f"  /healthz (HTTP floor)       {f(r['healthz'])}")
print(f"  history page of 50, HTTP    {f(r['historyHttp'])}   target p99 < 10 ms")
print(f"  history page, store alone   {f(r['historyStore'])}")
print(f"  search, HTTP                {f(r['searchHttp'])}   target p99 < 50 ms")
print(f"  search, store alone         {f(r['searchStore'])}")
for q, s in r["searches"].items():
    print(f"    {q!r:18} HTTP {f(s['http'])}   store p99 {s['store']['p99Ms']:.2f} ms")
print(f"  p99 ratio HTTP/store: history {r['historyHttp']['p99Ms'] / max(r['historyStore']['p99Ms'], 0.001):.2f}x, "
      f"search {r['searchHttp']['p99Ms'] / max(r['searchStore']['p99Ms'], 0.001):.2f}x; failures {r['failures']}")
PY
