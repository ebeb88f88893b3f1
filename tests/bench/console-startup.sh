#!/usr/bin/env bash
# Console cold start: launch to the first frame, launch to "connected" with the local stack
# started, and RSS once attached. Runs the real console offscreen several times; prints medians.
# Usage: console-startup.sh --bin BUILD/bin [--runs N]
set -euo pipefail
bin="" runs=5
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin/meshdeck" ] || { echo "no meshdeck in '$bin'" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work"
for i in $(seq "$runs"); do
  # A fresh data directory each run: the first start also creates the database and token.
  "$bin/meshdeck" --data-dir "$work/stack-$i" --screenshot "$work/shot-$i.png" 2>/dev/null | tail -n 1 >> "$work/runs.jsonl"
done
python3 - "$work/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bad = [r for r in runs if not r.get("ok")]
if bad:
    print("console-startup: a run failed:", bad[0]); sys.exit(1)
med = lambda k: statistics.median(r[k] for r in runs)
print(f"benchmark: console cold start, {len(runs)} runs, offscreen, fresh data directory each")
print(f"  launch -> first frame:            {med('firstFrameMs'):7.0f} ms (median)")
print(f"  launch -> connected to local stack: {med('connectedMs'):5.0f} ms (median; target < 1000 ms)")
print(f"  RSS once attached:                {med('rssBytes') / 2**20:7.1f} MiB (median; target < 150 MiB)")
PY
