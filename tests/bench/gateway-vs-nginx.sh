#!/usr/bin/env bash
# The API gateway against nginx `proxy_pass`, both in front of the same keep-alive upstream (nginx
# answering a static `200 {"ok":true}`), same wrk load (threads, connections, duration, keep-alive),
# same number of server threads/workers, loopback only. Four targets, alternated, two rounds each,
# best of rounds compared:
#   nginx proxy       proxy_pass to an `upstream` block with keepalive 64, HTTP/1.1 to the upstream;
#   nginx forwarding  the same, sending what the gateway sends besides the client's headers
#                     (X-Forwarded-For/-Proto/-Host, a new X-Request-Id, also to the client; not a
#                     traceparent): the like-for-like figure, printed beside the target's;
#   gateway /plain    routing only (auth none, no rate limit, the route's access-log sample 0, so
#                     only errors are logged; metrics are always on);
#   gateway /full     the full pipeline: edge auth with a developer's API key, a rate limit by key
#                     (high enough never to refuse), metrics, access-log sampling (0.01, the
#                     server's --gateway-access-log-sample, which the route takes).
# Prints requests/s, p99 and the server's CPU time per request of each, the ratios gateway/nginx
# (target, against the plain proxy_pass: throughput >= 1.00x; against the forwarding one for
# comparison) and the full pipeline's cost against routing only (target < 15%).
# Then the gateway's added latency at half of /plain's peak rate: wrk paced by a Lua script (each
# connection waits between requests), against a third route /paced that sees only that run; its
# p99 of the gateway's own time is read from GET /v1/gateway/metrics (target < 1 ms), and the
# end-to-end p99 through the gateway (and through nginx) minus the p99 straight to the upstream at
# the same pace is printed beside it.
# Exits non-zero only if something failed to run (a non-2xx answer or a socket error included).
# Usage: gateway-vs-nginx.sh --bin BUILD/bin [--duration S] [--connections C] [--threads N] [--pin]
#                            [--perf FILE]
# --perf FILE: `perf record -g` of meshdeckd during the first round of /plain (that round's figures
# then carry perf's overhead; the second round's do not), written to FILE for `perf report -i FILE`.
# MESHDECK_HTTP_DISPATCHER=qt in the environment runs the engine's threads on Qt's own event
# dispatcher instead of the epoll one (http/epolldispatcher.h), for comparison.
# --pin: the proxy under test (one thread/worker) alone on core 1; wrk and the upstream on core 0.
# On a 2-core machine wrk, the upstream and the proxy otherwise share the cores.
set -euo pipefail
bin="" duration=5 connections=64 threads=$(nproc) pin=0 perf_out=""
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --pin) pin=1; threads=1; shift ;;
    --perf) perf_out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeckd" ] || { echo "no meshdeckd in '$bin'" >&2; exit 2; }
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (installer/setup-deps.sh)" >&2; exit 2; }
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() {
  echo "gateway-vs-nginx: $*" >&2
  [ -s "$work/meshdeckd.log" ] && { echo "meshdeckd's log:" >&2; tail -20 "$work/meshdeckd.log" >&2; }
  for log in "$work"/up/error.log "$work"/proxy/error.log "$work"/proxyfwd/error.log; do
    [ -s "$log" ] && { echo "$log:" >&2; tail -5 "$log" >&2; }
  done
  exit 1
}

proxy_cpu=() upstream_cpu=() client_cpu=() wrk_threads=2
if [ "$pin" = 1 ]; then
  [ "$(nproc)" -ge 2 ] || { echo "--pin needs two cores" >&2; exit 2; }
  proxy_cpu=(taskset -c 1) upstream_cpu=(taskset -c 0) client_cpu=(taskset -c 0) wrk_threads=1
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

up_port=$(free_port) proxy_port=$(free_port) forwarding_port=$(free_port)
# shellcheck source=proxy-nginx-lib.sh
. "$(dirname "$0")/proxy-nginx-lib.sh"
proxy_nginx_confs "$threads" "$up_port" "$proxy_port" "" "$forwarding_port"
"${upstream_cpu[@]}" nginx -e "$work/up/error.log" -p "$work/up" -c "$work/up/nginx.conf" &
pids+=($!)
"${proxy_cpu[@]}" nginx -e "$work/proxy/error.log" -p "$work/proxy" -c "$work/proxy/nginx.conf" &
proxy_master=$!
pids+=($proxy_master)
"${proxy_cpu[@]}" nginx -e "$work/proxyfwd/error.log" -p "$work/proxyfwd" -c "$work/proxyfwd/nginx.conf" &
forwarding_master=$!
pids+=("$forwarding_master")

"${proxy_cpu[@]}" "$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --threads "$threads" \
  --gateway-listen 127.0.0.1:0 --gateway-access-log-sample 0.01 \
  --log-level warning --password-cost minimum --access-token-seconds 3600 \
  > "$work/ready" 2> "$work/meshdeckd.log" &
server=$!
pids+=($server)
for _ in $(seq 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
[ -s "$work/ready" ] || fail "meshdeckd did not report ready within 10 s"
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")
gw=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("gatewayUrl", ""))' "$work/ready")
[ -n "$gw" ] || fail "meshdeckd's ready line has no gatewayUrl: $(cat "$work/ready")"
admin=$(cat "$work/data/admin.token")

# api METHOD PATH TOKEN [BODY]: prints the body; fails unless the answer is 2xx.
api() {
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3")
  [ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' -d "$4")
  local code
  code=$(curl "${args[@]}" "$url$2") || fail "$1 $2: curl failed"
  [ "${code:0:1}" = 2 ] || fail "$1 $2 answered $code: $(cat "$work/body")"
  cat "$work/body"
}
json() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

for _ in $(seq 100); do curl -fs "http://127.0.0.1:$up_port/" >/dev/null 2>&1 && break; sleep 0.05; done
curl -fs "http://127.0.0.1:$up_port/" >/dev/null || fail "the upstream nginx does not answer"

# The upstream, an instance of service "static" with a TCP check; the gateway only routes to it once
# the check passes.
api POST /v1/registry/services/static/instances "$admin" \
  "{\"address\":\"127.0.0.1\",\"port\":$up_port,\"check\":{\"tcp\":true,\"intervalMs\":200,\"timeoutMs\":500,\"healthyThreshold\":1,\"unhealthyThreshold\":1}}" \
  >/dev/null
passing=0
for _ in $(seq 100); do
  passing=$(api GET /v1/registry/services/static/instances "$admin" |
    python3 -c 'import json,sys; print(sum(i.get("status") == "passing" for i in json.load(sys.stdin)["instances"]))')
  [ "$passing" = 1 ] && break
  sleep 0.1
done
[ "$passing" = 1 ] || fail "the upstream's instance is not passing its TCP check after 10 s"

route() { # NAME AUTH RATE-LIMIT ACCESS-LOG-SAMPLE (null: the server's)
  api POST /v1/gateway/routes "$admin" \
    "{\"name\":\"$1\",\"match\":{\"pathPrefix\":\"/$1\"},\"service\":\"static\",\"stripPrefix\":true,\"auth\":\"$2\",\"rateLimit\":$3,\"accessLogSample\":$4}" >/dev/null
}
route plain none null 0
route paced none null 0
route full required '{"requests":1000000000,"perSeconds":60,"by":"key"}' null

# A developer's API key, as auth-overhead.sh makes one (the key's checks include its owner's account).
email=bench-gw@example.com password=bench-gateway-pw-4711
api POST /v1/auth/users "$admin" \
  "{\"email\":\"$email\",\"name\":\"Bench Developer\",\"password\":\"$password\",\"role\":\"developer\"}" >/dev/null
code=$(curl -s -o "$work/session" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$url/v1/auth/sessions")
[ "$code" = 201 ] || fail "sign-in answered $code: $(cat "$work/session")"
jwt=$(json accessToken < "$work/session")
key=$(api POST /v1/auth/keys "$jwt" '{"name":"bench-gateway","scopes":["registry.read"]}' | json key)

# Every target answers the upstream's body with 200 before it is measured, /full only with the key
# (401 without it: the pipeline is really on) and with the rate limit's fields.
check() { # URL EXPECTED-CODE [HEADER]
  local args=(-s -D "$work/check.head" -o "$work/check" -w '%{http_code}')
  [ $# -ge 3 ] && args+=(-H "$3")
  local code
  code=$(curl "${args[@]}" "$1") || fail "GET $1: curl failed"
  [ "$code" = "$2" ] || fail "GET $1 answered $code, not $2: $(head -c 300 "$work/check")"
  [ "$2" != 200 ] || [ "$(cat "$work/check")" = '{"ok":true}' ] || fail "GET $1 answered $(head -c 300 "$work/check")"
}
key_header="Authorization: Bearer $key"
check "http://127.0.0.1:$proxy_port/" 200
check "http://127.0.0.1:$forwarding_port/" 200
grep -qi '^x-request-id:' "$work/check.head" || fail "the forwarding nginx answered without an X-Request-Id"
for _ in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$gw/plain/") || true
  [ "$code" = 200 ] && break
  sleep 0.1
done
check "$gw/plain/" 200
check "$gw/paced/" 200
check "$gw/full/" 401
check "$gw/full/" 200 "$key_header"
grep -qi '^ratelimit:' "$work/check.head" || fail "GET /full answered without the rate limit's fields"
# The one request above on /paced is the only one it sees before the paced run.
paced_before=1

declare -A target_url=(
  [nginx]="http://127.0.0.1:$proxy_port/"
  [nginxfwd]="http://127.0.0.1:$forwarding_port/"
  [plain]="$gw/plain/"
  [full]="$gw/full/"
)
declare -A target_header=([nginx]="" [nginxfwd]="" [plain]="" [full]="$key_header")
# The proxy's CPU time (user + system, all threads or worker processes) in clock ticks.
ticks() {
  local pids_of=("$server")
  [ "$1" = nginx ] && pids_of=("$proxy_master" $(pgrep -P "$proxy_master"))
  [ "$1" = nginxfwd ] && pids_of=("$forwarding_master" $(pgrep -P "$forwarding_master"))
  local t=0 p
  for p in "${pids_of[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$t"
}
hz=$(getconf CLK_TCK)
ms() { awk -v q="$1" '$1==q {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$2"; }
# run_wrk LABEL OUT ARGS...: fails on non-2xx answers or socket errors.
run_wrk() {
  local label=$1 out=$2
  shift 2
  "${client_cpu[@]}" wrk "$@" > "$out" || fail "wrk for $label failed: $(cat "$out")"
  if grep -qE 'Non-2xx|Socket errors' "$out"; then
    fail "wrk for $label: $(grep -E 'Non-2xx|Socket errors' "$out")"
  fi
}
# measure TARGET: prints "requests/s p99-ms proxy-CPU-us-per-request".
measure() {
  local args=(-t"$wrk_threads" -c"$connections")
  [ -n "${target_header[$1]}" ] && args+=(-H "${target_header[$1]}")
  run_wrk "$1 (warm-up)" "$work/warm.out" "${args[@]}" -d1s "${target_url[$1]}"
  local before after
  before=$(ticks "$1")
  local recorder=""
  if [ -n "$perf_out" ] && [ "$1" = plain ] && [ ! -e "$perf_out" ]; then
    perf record -q -g -p "$server" -o "$perf_out" -- sleep "$duration" >/dev/null 2>&1 &
    recorder=$!
  fi
  run_wrk "$1" "$work/wrk.out" "${args[@]}" -d"${duration}s" --latency "${target_url[$1]}"
  after=$(ticks "$1")
  [ -z "$recorder" ] || wait "$recorder" || true
  local rps p99 cpu
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(ms 99% "$work/wrk.out")
  cpu=$(awk -v b="$before" -v a="$after" -v hz="$hz" '/requests in/ {printf "%.1f", (a - b) * 1e6 / hz / $1}' "$work/wrk.out")
  [ -n "$rps" ] && [ -n "$p99" ] && [ -n "$cpu" ] || fail "wrk for $1 printed no figures: $(cat "$work/wrk.out")"
  echo "$rps $p99 $cpu"
}

# Alternate the targets (forwards, then backwards), two rounds each, and compare best with best: on
# a noisy 2-core machine a single round of any of them can lose a time slice to wrk.
rows=()
for round in 1 2; do
  order=(nginx plain full nginxfwd)
  [ "$round" = 2 ] && order=(nginxfwd full plain nginx)
  for name in "${order[@]}"; do
    figures=$(measure "$name")
    rows+=("$name $round $figures")
  done
done
peak=$(printf '%s\n' "${rows[@]}" | awk '$1=="plain" && $3>m {m=$3} END {printf "%d", m}')

# Half of /plain's peak rate: every connection waits delay() ms after each answer, so the rate is
# about connections * 1000 / (delay + latency). delay() takes whole milliseconds: a fraction of
# the requests wait one more to reach the mean wanted.
read -r delay_base delay_frac < <(python3 -c '
import sys
c, peak = int(sys.argv[1]), float(sys.argv[2])
d = max(1.0, c * 1000.0 / (peak / 2))
print(int(d), d - int(d))' "$connections" "$peak")
cat > "$work/paced.lua" <<LUA
math.randomseed(os.time())
function delay()
  if math.random() < $delay_frac then return $((delay_base + 1)) end
  return $delay_base
end
LUA
# paced LABEL URL [HEADER]: prints "requests/s p50-ms p99-ms requests".
paced() {
  run_wrk "$1 (paced)" "$work/paced.out" -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency \
    -s "$work/paced.lua" "$2"
  local rps p50 p99 n
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/paced.out")
  p50=$(ms 50% "$work/paced.out")
  p99=$(ms 99% "$work/paced.out")
  n=$(awk '/requests in/ {print $1}' "$work/paced.out")
  [ -n "$rps" ] && [ -n "$p99" ] && [ -n "$n" ] || fail "paced wrk for $1 printed no figures: $(cat "$work/paced.out")"
  echo "$rps $p50 $p99 $n"
}
# Upstream first, then the gateway, then nginx (command substitutions: a failure stops the script).
figures=$(paced upstream "http://127.0.0.1:$up_port/")
read -r up_rps up_p50 up_p99 _ <<< "$figures"
figures=$(paced gateway "$gw/paced/")
read -r gwp_rps gwp_p50 gwp_p99 gwp_n <<< "$figures"
figures=$(paced nginx "http://127.0.0.1:$proxy_port/")
read -r ngp_rps ngp_p50 ngp_p99 _ <<< "$figures"

# The gateway's own histogram of /paced: its totals count every answered request once the second
# they fell in has closed; wait (bounded) until they count all that wrk saw.
expected=$((gwp_n + paced_before))
metrics=""
for _ in $(seq 50); do
  metrics=$(api GET "/v1/gateway/metrics?route=paced&range=5m" "$admin")
  seen=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["requests"])' <<< "$metrics")
  [ "$seen" -ge "$expected" ] && break
  sleep 0.1
done
[ "$seen" -ge "$expected" ] || fail "the gateway's metrics of /paced count $seen requests after 5 s; wrk saw $expected"
read -r gw_own_p99 gw_total_p99 < <(python3 -c '
import json,sys
t = json.load(sys.stdin)["totals"]
print(t["gatewayP99Ms"], t["p99Ms"])' <<< "$metrics")

layout="shared cores"; [ "$pin" = 1 ] && layout="proxy pinned to core 1, wrk and the upstream to core 0"
printf 'benchmark: GET through a proxy to nginx return 200 (keep-alive), wrk -t%s -c%s -d%ss, %s proxy threads/workers, %s cores, %s\n' \
  "$wrk_threads" "$connections" "$duration" "$threads" "$(nproc)" "$layout"
printf '  load average before the run (other work on the machine skews every figure): %s\n' "$load"
printf '%s\n' "${rows[@]}" > "$work/rows"
python3 - "$work/rows" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
labels = {"nginx": "nginx 1.22 proxy_pass", "nginxfwd": "nginx forwarding", "plain": "gateway /plain",
          "full": "gateway /full"}
print("  %-24s %6s %12s %10s %17s" % ("proxy", "round", "requests/s", "p99 ms", "proxy CPU us/req"))
for name, rnd, rps, p99, cpu in rows:
    print("  %-24s %6s %12.0f %10.2f %17.1f" % (labels[name], rnd, float(rps), float(p99), float(cpu)))
best = lambda n, c, f: f(float(r[c]) for r in rows if r[0] == n)
rps = {n: best(n, 2, max) for n in labels}
p99 = {n: best(n, 3, min) for n in labels}
cpu = {n: best(n, 4, min) for n in labels}
for n in labels:
    print("  %-24s %6s %12.0f %10.2f %17.1f" % (labels[n], "best", rps[n], p99[n], cpu[n]))
print(f"  throughput ratio gateway(routing only)/nginx: {rps['plain'] / rps['nginx']:.2f}x (best of rounds; target >= 1.00x)")
print(f"  p99 ratio gateway(routing only)/nginx:        {p99['plain'] / p99['nginx']:.2f}x (best of rounds; target <= 1.00x)")
print(f"  like for like, against nginx sending the same forwarding headers: throughput {rps['plain'] / rps['nginxfwd']:.2f}x,"
      f" p99 {p99['plain'] / p99['nginxfwd']:.2f}x, CPU per request {cpu['plain'] - cpu['nginxfwd']:+.1f} us")
print(f"  throughput ratio gateway(full pipeline)/nginx: {rps['full'] / rps['nginx']:.2f}x; p99 ratio {p99['full'] / p99['nginx']:.2f}x")
print(f"  full pipeline cost, 1 - full/plain: {(1 - rps['full'] / rps['plain']) * 100:.1f}% of throughput (target < 15%);"
      f" CPU per request {cpu['full'] - cpu['plain']:+.1f} us ({(cpu['full'] / cpu['plain'] - 1) * 100:+.0f}%)")
PY
python3 - "$peak" "$delay_base" "$delay_frac" "$up_rps" "$up_p50" "$up_p99" "$gwp_rps" "$gwp_p50" "$gwp_p99" \
  "$ngp_rps" "$ngp_p50" "$ngp_p99" "$gw_own_p99" "$gw_total_p99" <<'PY'
import sys
a = sys.argv[1:]
peak, base, frac = float(a[0]), int(a[1]), float(a[2])
up, gwp, ngp = [float(x) for x in a[3:6]], [float(x) for x in a[6:9]], [float(x) for x in a[9:12]]
own, total = float(a[12]), float(a[13])
print(f"  paced at half of /plain's peak ({peak / 2:.0f} requests/s wanted; each connection waits {base + frac:.2f} ms between requests):")
print("  %-24s %12s %10s %10s" % ("target", "requests/s", "p50 ms", "p99 ms"))
for label, (rps, p50, p99) in (("upstream directly", up), ("gateway /paced", gwp), ("nginx proxy_pass", ngp)):
    print("  %-24s %12.0f %10.3f %10.3f" % (label, rps, p50, p99))
print(f"  gateway's added latency p99 (its own histogram of /paced): {own:.3f} ms (target < 1 ms);"
      f" its end-to-end p99 there {total:.3f} ms")
print(f"  end-to-end p99 through the gateway minus straight to the upstream: {gwp[2] - up[2]:+.3f} ms"
      f" (through nginx: {ngp[2] - up[2]:+.3f} ms)")
print(f"  the same at p50 (less at the mercy of time slices on a shared machine): gateway {gwp[1] - up[1]:+.3f} ms,"
      f" nginx {ngp[1] - up[1]:+.3f} ms")
PY
# The server's warnings belong in the report (they do not fail the benchmark).
if [ -s "$work/meshdeckd.log" ]; then
  echo "  meshdeckd logged $(wc -l < "$work/meshdeckd.log") line(s) of warnings/errors during the run; the first:"
  head -3 "$work/meshdeckd.log" | sed 's/^/    /'
fi
