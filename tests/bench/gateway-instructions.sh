#!/usr/bin/env bash
# Instructions per proxied request, counted by callgrind: the gateway's routing-only route against
# nginx `proxy_pass`, both in front of the same keep-alive nginx upstream (a static `200`), the same
# client (two keep-alive connections, one request at a time), the same number of requests.
# Counts are of user space only (the kernel's share of a request is the same four socket calls for
# both) and hardly depend on the machine's load: where gateway-vs-nginx.sh's throughput swings by
# 10% between runs on a shared 2-core machine, these move by about 1% (the time-driven work), so a
# change to the hot path can be measured here before it is worth a throughput run.
# Prints, per request: nginx's instructions (its one process), the gateway's for the whole process
# and for its engine threads alone (the rest is time-driven: health checks, the metrics' ticks and
# the store, which run slower under callgrind and so weigh more here than they do at full speed),
# and the ratios. Exits non-zero only if something failed to run.
# Usage: gateway-instructions.sh --bin BUILD/bin [--requests N]
set -euo pipefail
bin="" requests=2000
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeckd" ] || { echo "no meshdeckd in '$bin'" >&2; exit 2; }
for tool in valgrind callgrind_control callgrind_annotate nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (installer/setup-deps.sh)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() {
  echo "gateway-instructions: $*" >&2
  for log in "$work"/meshdeckd.log "$work"/up/error.log "$work"/proxy/error.log "$work"/proxy/valgrind.log; do
    [ -s "$log" ] && { echo "$log:" >&2; tail -5 "$log" >&2; }
  done
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

up_port=$(free_port) proxy_port=$(free_port)
# shellcheck source=proxy-nginx-lib.sh
. "$(dirname "$0")/proxy-nginx-lib.sh"
proxy_nginx_confs 1 "$up_port" "$proxy_port" 'master_process off;' # the proxy: one process
nginx -e "$work/up/error.log" -p "$work/up" -c "$work/up/nginx.conf" &
pids+=($!)
valgrind --tool=callgrind --callgrind-out-file="$work/nginx.out" --dump-instr=no \
  nginx -e "$work/proxy/error.log" -p "$work/proxy" -c "$work/proxy/nginx.conf" 2> "$work/proxy/valgrind.log" &
nginx_pid=$!
pids+=($nginx_pid)

valgrind --tool=callgrind --callgrind-out-file="$work/meshdeckd.out" --dump-instr=no \
  "$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --threads 1 \
  --gateway-listen 127.0.0.1:0 --log-level warning --password-cost minimum \
  > "$work/ready" 2> "$work/meshdeckd.log" &
server=$!
pids+=($server)
for _ in $(seq 600); do [ -s "$work/ready" ] && break; sleep 0.1; done
[ -s "$work/ready" ] || fail "meshdeckd under callgrind did not report ready within 60 s"
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")
gw=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gatewayUrl"])' "$work/ready")
admin=$(cat "$work/data/admin.token")
api() { # PATH BODY: fails unless the answer is 2xx
  curl -fs -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2" "$url$1" ||
    fail "POST $1 failed"
}
api /v1/registry/services/static/instances \
  "{\"address\":\"127.0.0.1\",\"port\":$up_port,\"check\":{\"tcp\":true,\"intervalMs\":1000,\"timeoutMs\":2000,\"healthyThreshold\":1,\"unhealthyThreshold\":1}}"
# Routing only, as in gateway-vs-nginx.sh: no edge auth, no rate limit, no access-log sample.
api /v1/gateway/routes \
  '{"name":"plain","match":{"pathPrefix":"/plain"},"service":"static","stripPrefix":true,"auth":"none","rateLimit":null,"accessLogSample":0}'
ok=0
for _ in $(seq 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$gw/plain/")" = 200 ] &&
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$proxy_port/")" = 200 ] && { ok=1; break; }
  sleep 0.1
done
[ "$ok" = 1 ] || fail "the gateway or nginx does not answer 200 through to the upstream"

# client PORT PATH N: N keep-alive GETs, alternating two connections, each answer read whole and
# checked; fails on anything but the upstream's 200.
client() {
  python3 - "$@" <<'PY'
import socket, sys
port, path, n = int(sys.argv[1]), sys.argv[2].encode(), int(sys.argv[3])
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
request = b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: bench\r\n\r\n" % port
for i in range(n):
    c = conns[i % 2]
    c.sendall(request)
    answer = b""
    while not (b"\r\n\r\n" in answer and answer.endswith(b'{"ok":true}')):
        chunk = c.recv(65536)
        if not chunk:
            sys.exit("the connection closed mid-answer")
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 200 "):
        sys.exit("answered " + answer.split(b"\r\n", 1)[0].decode(errors="replace"))
PY
}
gw_port=${gw##*:}
# measure PID PORT PATH: warms up, zeroes the counters, sends the requests, dumps the counters.
measure() {
  client "$2" "$3" 300 || fail "the warm-up through port $2 failed"
  callgrind_control -z "$1" >/dev/null 2>&1 || fail "callgrind_control could not zero pid $1"
  client "$2" "$3" "$requests" || fail "the requests through port $2 failed"
  callgrind_control -d "$1" >/dev/null 2>&1 || fail "callgrind_control could not dump pid $1"
}
measure "$nginx_pid" "$proxy_port" /
measure "$server" "$gw_port" /plain/
# The dump after the measured requests is the newest file of each (the first is "<out>.1").
newest() { ls -t "$1".* 2>/dev/null | head -1 || true; }
nginx_dump="" gw_dump=""
for _ in $(seq 50); do
  nginx_dump=$(newest "$work/nginx.out") gw_dump=$(newest "$work/meshdeckd.out")
  [ -s "$nginx_dump" ] && [ -s "$gw_dump" ] && break
  sleep 0.1
done
[ -s "$nginx_dump" ] && [ -s "$gw_dump" ] || fail "callgrind wrote no dump within 5 s"
total() { awk -F': ' '/^summary:/ {print $2}' "$1"; }
engine() {
  callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
    awk '!found && /EpollDispatcher::processEvents\(QFlags<QEventLoop::ProcessEventsFlag>\) \[/ {gsub(",", "", $1); print $1; found = 1}'
}
ng=$(total "$nginx_dump") all=$(total "$gw_dump") eng=$(engine "$gw_dump")
[ -n "$ng" ] && [ -n "$all" ] && [ -n "$eng" ] || fail "no instruction counts in the callgrind dumps"
python3 - "$requests" "$ng" "$all" "$eng" <<'PY'
import sys
n, ng, all_, eng = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"benchmark: instructions per proxied GET (callgrind, user space), {n} requests on two keep-alive connections")
print("  %-44s %12s" % ("", "per request"))
print("  %-44s %12.0f" % ("nginx 1.22 proxy_pass (its one process)", ng / n))
print("  %-44s %12.0f" % ("gateway /plain, engine threads", eng / n))
print("  %-44s %12.0f" % ("gateway /plain, whole process", all_ / n))
print(f"  ratio gateway/nginx: {eng / ng:.2f}x (engine threads), {all_ / ng:.2f}x (whole process)")
PY
