#!/usr/bin/env bash
# Cluster realtime fan-out: SUBSCRIBERS WebSocket clients on one topic, spread in turn over three
# meshdeckd nodes on one PostgreSQL 15 and one Redis; events published one by one on the first
# node; publish-to-receive latency at every subscriber (p50/p99), next to the same run with every
# subscriber on one local node (SQLite). Same machine, same run; prints both and the ratio.
# Target (issue): 1000 subscribers over three nodes, p99 < 20 ms, printed, not enforced. Fails only
# when something is broken (a node does not start, a publish is refused, deliveries are missing).
# Usage: cluster-fanout.sh --bin BUILD/bin [--subscribers N] [--events M]
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
for t in python3 setpriv redis-server redis-cli; do
  command -v "$t" >/dev/null || { echo "$t is needed (installer/setup-deps.sh)" >&2; exit 2; }
done
source "$(dirname "$0")/cluster-lib.sh"

# One local node, every subscriber on it.
start_node local
"$tool" "$node_url" "$(cat "$work/local/admin.token")" 0 "$subscribers" "$events" > "$work/local.json" \
  || die "the local run failed"
stop "$node_pid"  # free the cores for the cluster

# Three nodes on one PostgreSQL and one Redis: the first alone (it creates the schema, token, key).
start_postgres
start_redis
urls=()
for name in a b c; do
  # shellcheck disable=SC2046  # cluster_args is a list of options without spaces
  start_node "$name" $(cluster_args) --redis "$redis_url"
  urls+=("$node_url")
done
"$tool" "${urls[0]}" "$(cat "$work/admin.token")" 0 "$subscribers" "$events" \
  --subscribe-urls "$(IFS=,; echo "${urls[*]}")" > "$work/cluster.json" || die "the cluster run failed"

python3 - "$work/local.json" "$work/cluster.json" <<'PY'
import json, sys
local, cluster = (json.load(open(p)) for p in sys.argv[1:])
print(f"benchmark: realtime fan-out, {cluster['subscribers']} WebSocket subscribers, {cluster['events']} events published one by one, all on this machine")
for name, r in (("one local node (SQLite)", local), (f"{cluster.get('nodes', 1)} nodes, PostgreSQL + Redis, published on the first", cluster)):
    print(f"  {name}: p50 {r['p50Ms']:.1f} ms, p99 {r['p99Ms']:.1f} ms, max {r['maxMs']:.1f} ms, deliveries {r['deliveries']} of {r['subscribers'] * r['events']}")
ratio = cluster['p99Ms'] / local['p99Ms'] if local['p99Ms'] > 0 else float('nan')
print(f"  ratio cluster/local p99: {ratio:.2f}x; cluster p99 {cluster['p99Ms']:.1f} ms (target at 1000 subscribers over three nodes: p99 < 20 ms)")
PY
