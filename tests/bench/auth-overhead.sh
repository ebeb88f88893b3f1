#!/usr/bin/env bash
# Authorisation overhead: one read route (default GET /v1/registry/services) under the same wrk load
# with three credentials in one run against one meshdeckd: the admin token (the baseline: a constant-
# time compare), a developer's access token (JWT, Ed25519 signature checked per request) and that
# developer's API key (scope registry.read). Each credential is first checked to get 200 with the
# same body as the admin token, so no credential measures a fast refusal. Rounds alternate the
# order of the credentials; the medians of the rounds are compared. Prints requests/s and p99 per
# credential and the throughput loss of the JWT and the API key against the admin token
# (target: under 5%), and the server's CPU time per request (from /proc, all its threads): on a
# shared 2-core machine requests/s moves with whatever else runs, CPU per request much less so.
# Exits non-zero only if something failed to run (a non-200 answer included).
# Usage: auth-overhead.sh --bin BUILD/bin [--duration S] [--rounds N] [--connections C]
#                         [--threads N] [--route PATH] [--pin]
# --pin: wrk on core 0, meshdeckd (one event-loop thread) on core 1. On a 2-core machine wrk and
# the server otherwise share the cores.
set -euo pipefail
bin="" duration=5 rounds=5 connections=32 threads=$(nproc) route=/v1/registry/services pin=0
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --route) route=$2; shift 2 ;;
    --pin) pin=1; threads=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeckd" ] || { echo "no meshdeckd in '$bin'" >&2; exit 2; }
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (installer/setup-deps.sh)" >&2; exit 2; }
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() {
  echo "auth-overhead: $*" >&2
  [ -s "$work/meshdeckd.log" ] && { echo "meshdeckd's log:" >&2; tail -20 "$work/meshdeckd.log" >&2; }
  exit 1
}

server_cpu=() client_cpu=() wrk_threads=2
if [ "$pin" = 1 ]; then
  [ "$(nproc)" -ge 2 ] || { echo "--pin needs two cores" >&2; exit 2; }
  server_cpu=(taskset -c 1) client_cpu=(taskset -c 0) wrk_threads=1
fi

# The access token must outlive every round (3 credentials, warm-up included) with a wide margin.
token_seconds=$(( (duration + 2) * 3 * rounds + 600 ))
# Sign-in cost does not matter here: the minimum argon2id cost keeps the set-up short.
"${server_cpu[@]}" "$bin/meshdeckd" --data-dir "$work/data" --listen 127.0.0.1:0 --threads "$threads" \
  --log-level warning --password-cost minimum --access-token-seconds "$token_seconds" \
  > "$work/ready" 2> "$work/meshdeckd.log" &
server=$!
pids+=($server)
for _ in $(seq 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
[ -s "$work/ready" ] || fail "meshdeckd did not report ready within 10 s"
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/ready")
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

email=bench-dev@example.com password=bench-overhead-pw-4711
api POST /v1/auth/users "$admin" \
  "{\"email\":\"$email\",\"name\":\"Bench Developer\",\"password\":\"$password\",\"role\":\"developer\"}" >/dev/null
code=$(curl -s -o "$work/session" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$url/v1/auth/sessions")
[ "$code" = 201 ] || fail "sign-in answered $code: $(cat "$work/session")"
jwt=$(json accessToken < "$work/session")
# The key belongs to the developer (its checks include the owner's account), scoped to the route.
created=$(api POST /v1/auth/keys "$jwt" '{"name":"bench","scopes":["registry.read","events.read"]}')
key=$(json key <<< "$created")

names=(admin-token jwt api-key)
declare -A credential=([admin-token]=$admin [jwt]=$jwt [api-key]=$key)
# Each credential gets 200 and the same answer as the admin token: the same work is measured.
reference=""
for name in "${names[@]}"; do
  code=$(curl -s -o "$work/check" -w '%{http_code}' -H "Authorization: Bearer ${credential[$name]}" "$url$route")
  [ "$code" = 200 ] || fail "GET $route with the $name answered $code: $(head -c 300 "$work/check")"
  size=$(stat -c %s "$work/check")
  [ -n "$reference" ] || reference=$size
  [ "$size" = "$reference" ] || fail "GET $route answers $size bytes to the $name but $reference to the admin token"
done

# The server's CPU time (user + system, all threads) in clock ticks: CPU per request does not depend
# on how much CPU other work on the machine leaves to the server, requests/s does.
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
# measure NAME: prints "requests/s p99-ms server-CPU-us-per-request"; fails on non-2xx answers or
# socket errors.
measure() {
  local header="Authorization: Bearer ${credential[$1]}"
  "${client_cpu[@]}" wrk -t"$wrk_threads" -c"$connections" -d1s -H "$header" "$url$route" >/dev/null  # warm-up
  local before after
  before=$(ticks)
  "${client_cpu[@]}" wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency -H "$header" "$url$route" \
    > "$work/wrk.out"
  after=$(ticks)
  if grep -qE 'Non-2xx|Socket errors' "$work/wrk.out"; then
    fail "wrk with the $1: $(grep -E 'Non-2xx|Socket errors' "$work/wrk.out")"
  fi
  local rps p99 cpu
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  cpu=$(awk -v b="$before" -v a="$after" -v hz="$hz" '/requests in/ {printf "%.1f", (a - b) * 1e6 / hz / $1}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$work/wrk.out")
  [ -n "$rps" ] && [ -n "$p99" ] && [ -n "$cpu" ] || fail "wrk with the $1 printed no figures: $(cat "$work/wrk.out")"
  echo "$rps $p99 $cpu"
}

# Rounds alternate the order (forwards, backwards, ...) so no credential always runs first or last.
rows=()
for round in $(seq "$rounds"); do
  order=("${names[@]}")
  [ $((round % 2)) = 0 ] && order=(api-key jwt admin-token)
  for name in "${order[@]}"; do
    figures=$(measure "$name")
    rows+=("$name $round $figures")
  done
done

layout="shared cores"; [ "$pin" = 1 ] && layout="wrk pinned to core 0, server to core 1"
printf 'benchmark: GET %s (%s bytes), wrk -t%s -c%s -d%ss, %s rounds, %s server threads, %s cores, %s\n' \
  "$route" "$reference" "$wrk_threads" "$connections" "$duration" "$rounds" "$threads" "$(nproc)" "$layout"
printf '  load average before the run (other work on the machine skews every figure): %s\n' "$load"
printf '%s\n' "${rows[@]}" | python3 -c '
import statistics, sys
rows = [l.split() for l in sys.stdin if l.strip()]
print("  %-12s %6s %12s %10s %18s" % ("credential", "round", "requests/s", "p99 ms", "server CPU us/req"))
for name, rnd, rps, p99, cpu in rows:
    print("  %-12s %6s %12.0f %10.2f %18.1f" % (name, rnd, float(rps), float(p99), float(cpu)))
med = {n: [statistics.median(float(r[c]) for r in rows if r[0] == n) for c in (2, 3, 4)]
       for n in ("admin-token", "jwt", "api-key")}
for n, (rps, p99, cpu) in med.items():
    print("  %-12s %6s %12.0f %10.2f %18.1f" % (n, "median", rps, p99, cpu))
base = med["admin-token"]
for n, label in (("jwt", "JWT (access token)"), ("api-key", "API key")):
    loss = (1 - med[n][0] / base[0]) * 100
    print(f"  throughput loss of the {label} against the admin token: {loss:.1f}% (target < 5%);"
          f" server CPU per request {med[n][2] - base[2]:+.1f} us ({(med[n][2] / base[2] - 1) * 100:+.0f}%)")
'
# The server's warnings belong in the report (they do not fail the benchmark).
if [ -s "$work/meshdeckd.log" ]; then
  echo "  meshdeckd logged $(wc -l < "$work/meshdeckd.log") line(s) of warnings/errors during the run; the first:"
  head -3 "$work/meshdeckd.log" | sed 's/^/    /'
fi
