#!/usr/bin/env bash
# Cluster durable publish throughput: three meshdeckd nodes on one PostgreSQL 15 (fsync on; 201
# only after a synchronous commit) against one local node on SQLite (fsync'd commit), same load:
# batches of 100 one-KiB events from 9 concurrent publishers (for the cluster, one wrk of 3
# connections per node, run at once, summed). Same machine, same run; prints events/s and the
# ratio cluster/local. Fails only when something is broken (a node does not start, non-2xx).
# Usage: cluster-publish.sh --bin BUILD/bin [--duration S]
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
for tool in wrk python3 curl setpriv; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (installer/setup-deps.sh)" >&2; exit 2; }
done
source "$(dirname "$0")/cluster-lib.sh"

payload=$(head -c 768 /dev/urandom | base64 -w0 | head -c 1024)  # 1 KiB of text

# publish_script TOKEN: a wrk script posting one batch of 100 events per request.
publish_script() {
  python3 - "$payload" "$1" <<'PY'
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
}
create_topic() {  # URL TOKEN
  curl -fs -X POST -H "Authorization: Bearer $2" -d '{"name":"bench"}' "$1/v1/events/topics" >/dev/null \
    || die "cannot create the topic on $1"
}
stored() {  # URL TOKEN
  curl -fs -H "Authorization: Bearer $2" "$1/v1/events/topics/bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])'
}
sum_field() {  # FIELD FILES...: sums "Requests/sec" or "non2xx" over wrk outputs
  local field=$1
  shift
  if [ "$field" = rps ]; then awk '/Requests\/sec/ {s += $2} END {printf "%.2f", s}' "$@"
  else awk -F= '/non2xx=/ {s += $2} END {print s + 0}' "$@"; fi
}

# One local node on SQLite.
start_node local
local_url=$node_url
local_token=$(cat "$work/local/admin.token")
create_topic "$local_url" "$local_token"
publish_script "$local_token" > "$work/local.lua"
wrk -t3 -c9 -d1s -s "$work/local.lua" "$local_url/v1/events/topics/bench/events" >/dev/null  # warm-up
wrk -t3 -c9 -d"${duration}s" -s "$work/local.lua" "$local_url/v1/events/topics/bench/events" > "$work/local.out"
local_rps=$(sum_field rps "$work/local.out")
local_errors=$(sum_field non2xx "$work/local.out")
local_stored=$(stored "$local_url" "$local_token")
stop "$node_pid"  # free the cores for the cluster

# Three nodes on one PostgreSQL: the first alone (it creates the schema, token and key).
start_postgres
urls=()
for name in a b c; do
  # shellcheck disable=SC2046  # cluster_args is a list of options without spaces
  start_node "$name" $(cluster_args)
  urls+=("$node_url")
done
token=$(cat "$work/admin.token")
create_topic "${urls[0]}" "$token"
publish_script "$token" > "$work/cluster.lua"
wait_wrks() { local rc=0; for p in "$@"; do wait "$p" || rc=1; done; return $rc; }
warm=()
for u in "${urls[@]}"; do
  wrk -t1 -c3 -d1s -s "$work/cluster.lua" "$u/v1/events/topics/bench/events" >/dev/null &
  warm+=($!)
done
wait_wrks "${warm[@]}" || die "wrk failed during the warm-up"
wrks=()
for i in 0 1 2; do
  wrk -t1 -c3 -d"${duration}s" -s "$work/cluster.lua" "${urls[$i]}/v1/events/topics/bench/events" > "$work/cluster$i.out" &
  wrks+=($!)
done
wait_wrks "${wrks[@]}" || die "wrk failed"
cluster_rps=$(sum_field rps "$work"/cluster?.out)
cluster_errors=$(sum_field non2xx "$work"/cluster?.out)
cluster_stored=$(stored "${urls[2]}" "$token")
pg_version=$("$pg_bin/postgres" --version | awk '{print $3}')

python3 - "$local_rps" "$local_errors" "$local_stored" "$cluster_rps" "$cluster_errors" "$cluster_stored" "$duration" "$pg_version" <<'PY'
import sys
local_rps, local_errors, local_stored, cluster_rps, cluster_errors, cluster_stored, duration, pg = sys.argv[1:]
local_eps, cluster_eps = float(local_rps) * 100, float(cluster_rps) * 100
print(f"benchmark: durable publish, batches of 100 x 1 KiB events, 9 publishers, {duration}s, all on this machine")
print(f"  one local node (SQLite, fsync before 201)          {local_eps:10.0f} events/s  ({float(local_rps):.0f} batches/s, non-2xx {local_errors}, {local_stored} stored)")
print(f"  three nodes on PostgreSQL {pg} (fsync on), 3 x 3 conn {cluster_eps:10.0f} events/s  ({float(cluster_rps):.0f} batches/s, non-2xx {cluster_errors}, {cluster_stored} stored)")
ratio = cluster_eps / local_eps if local_eps else float("nan")
print(f"  ratio cluster/local: {ratio:.2f}x (informative: the nodes and the database share these cores)")
PY
[ "$local_errors" = 0 ] && [ "$cluster_errors" = 0 ] || die "non-2xx responses to publishes"
python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0 and float(sys.argv[2]) > 0 else 1)' "$local_rps" "$cluster_rps" \
  || die "no publish succeeded"
