#!/usr/bin/env bash
# Build log viewer at a million lines (issue 12): time to index the file, a regex filter over all
# of it, RSS growth, and the longest GUI-thread stall (a 1 ms timer's worst gap) while following a
# live log at 50 000 lines/s, fed by the realtime channel and by another process writing the file.
# Targets (issue): filter < 200 ms, no stall > 33 ms (two frames at 60 Hz), RSS growth < 200 MB.
# Stops by itself in well under a minute.
# Usage: logviewer.sh --bin BUILD/bin [--lines N] [--seconds S] [--rate LINES_PER_S]
set -euo pipefail
bin="" lines=1000000 seconds=4 rate=50000
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
tool="$bin/../tests/bench_logviewer"
[ -x "$tool" ] || { echo "build bench_logviewer first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout 60 "$tool" --lines "$lines" --seconds "$seconds" --rate "$rate" > "$work/result.json"
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = lambda good: "met" if good else "MISSED"
mb = lambda b: b / 1e6
print(f"benchmark: build log viewer, {r['lines']} lines ({mb(r['bytes']):.0f} MB) on disk")
print("  (GUI stall: the longest gap between ticks of a 1 ms timer; handler: the longest single event the")
print("   GUI thread handled, wall time / the CPU the thread spent in it; the difference is time the OS")
print("   gave the core to other processes)")
print(f"  index the file: {r['indexMs']:.0f} ms, longest GUI stall meanwhile {r['indexStallMs']:.1f} ms "
      f"(handler {r['indexHandlerMs']:.1f} / {r['indexHandlerCpuMs']:.1f} ms CPU)")
print(f"  regex filter over every line: {r['regexFilterMs']:.0f} ms ({r['regexFilterCpuMs']:.0f} ms CPU), "
      f"{r['regexMatches']} matches (target < 200 ms: {ok(r['regexFilterMs'] < 200)}); plain text "
      f"{r['plainFilterMs']:.0f} ms ({r['plainFilterCpuMs']:.0f} ms CPU), {r['plainMatches']} matches; "
      f"longest GUI stall while filtering {r['filterStallMs']:.1f} ms (handler {r['filterHandlerMs']:.1f} / {r['filterHandlerCpuMs']:.1f} ms CPU)")
print(f"  RSS growth, loaded and filtered: {mb(r['rssGrowthBytes']):.0f} MB (target < 200 MB: "
      f"{ok(r['rssGrowthBytes'] < 200e6)}); after following too: {mb(r['rssGrowthAfterFollowBytes']):.0f} MB")
print(f"  live follow from the realtime channel, {r['appendRate']:.0f} lines/s: longest GUI stall "
      f"{r['appendStallMs']:.1f} ms (target <= 33 ms: {ok(r['appendStallMs'] <= 33)}; handler {r['appendHandlerMs']:.1f} / {r['appendHandlerCpuMs']:.1f} ms CPU)")
print(f"  live follow of a file another process writes, {r['watchRate']:.0f} lines/s: longest GUI stall "
      f"{r['watchStallMs']:.1f} ms (target <= 33 ms: {ok(r['watchStallMs'] <= 33)}; handler {r['watchHandlerMs']:.1f} / {r['watchHandlerCpuMs']:.1f} ms CPU)")
PY
