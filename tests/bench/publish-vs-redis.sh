#!/usr/bin/env bash
# Durable publish throughput: batches of 100 one-KiB events from 8 concurrent publishers to
# meshdeckd (201 only after an fsync'd SQLite commit), against Redis 7 XADD of the same payloads
# (appendonly yes, appendfsync everysec: up to a second of acknowledged writes can be lost),
# pipelined 100 deep over 8 connections. Same machine, same run; prints events/s and the ratio.
# Usage: publish-vs-redis.sh --bin BUILD/bin [--duration S]
set -euo pipefail
bin="" duration=10
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeckd" ] || { echo "no meshdeckd in '$bin'" >&2; exit 2; }
for tool in wrk redis-server redis-benchmark python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (installer/setup-deps.sh)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

payload=$(head -c 768 /dev/urandom | base64 -w0 | head -c 1024)  # 1 KiB of text

# meshdeckd
"$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --log-level warning > "$work/ready" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")
token=$(cat "$work/data/admin.token")
curl -fs -X POST -H "Authorization: Bearer $token" -d '{"name":"bench"}' "$url/v1/events/topics" >/dev/null
python3 - "$payload" "$token" > "$work/publish.lua" <<'PY'
import json, sys
payload, token = sys.argv[1], sys.argv[2]
body = json.dumps({"events": [{"type": "bench.event", "key": str(i), "data": {"payload": payload}} for i in range(100)]},
                  separators=(",", ":"))
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/json"')
print('wrk.headers["Authorization"] = "Bearer %s"' % token)
print('wrk.body = %s' % json.dumps(body))
print('done = function(summary, latency, requests) io.write(string.format("non2xx=%d\\n", summary.errors.status)) end')
PY
wrk -t2 -c8 -d1s -s "$work/publish.lua" "$url/v1/events/topics/bench/events" >/dev/null  # warm-up
wrk -t2 -c8 -d"${duration}s" --latency -s "$work/publish.lua" "$url/v1/events/topics/bench/events" > "$work/wrk.out"
md_rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
md_p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
md_errors=$(awk -F= '/non2xx=/ {print $2}' "$work/wrk.out")
stored=$(curl -fs -H "Authorization: Bearer $token" "$url/v1/events/topics/bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')

# Redis 7 with an append-only file fsync'd every second
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync everysec \
  --save "" --daemonize no --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
redis_version=$(redis-server --version | awk '{print $3}')
# redis-benchmark runs a fixed count: size it to about the same duration as the meshdeckd run.
count=$(python3 -c "print(max(100000, int(float('$md_rps') * 100 * $duration)))")
redis-benchmark -p "$redis_port" -c 8 -P 100 -n "$count" --csv XADD bench '*' payload "$payload" > "$work/redis.csv"
redis_eps=$(python3 -c 'import csv,sys; rows=list(csv.reader(open(sys.argv[1]))); print(rows[-1][1])' "$work/redis.csv")

python3 - "$md_rps" "$md_p99" "${md_errors:-0}" "$stored" "$redis_eps" "$redis_version" "$duration" <<'PY'
import sys
md_rps, md_p99, errors, stored, redis_eps, version, duration = sys.argv[1:]
md_eps = float(md_rps) * 100
print(f"benchmark: durable publish, batches of 100 x 1 KiB events, 8 publishers, {duration}s")
print(f"  meshdeckd (fsync before 201)          {md_eps:12.0f} events/s  ({float(md_rps):.0f} batches/s, p99 {md_p99}, non-2xx {errors}, {stored} stored)")
print(f"  Redis {version} XADD (AOF everysec, P=100) {float(redis_eps):12.0f} events/s")
print(f"  ratio meshdeckd/Redis: {md_eps / float(redis_eps):.2f}x (target >= 1.00x, while more durable)")
PY
