#!/usr/bin/env bash
# Builds a fuzz target with clang-14 (libFuzzer + ASan + UBSan) and runs it for a bounded time on a
# copy of its committed corpus. New crashes are left in OUT_DIR/crashes.
# Usage: run-libfuzzer.sh SOURCE_DIR OUT_DIR SECONDS [requestparser|responseparser|registry|jwt|permissions|archive]
set -euo pipefail
libs=""
src=$1 out=$2 seconds=${3:-60} target=${4:-requestparser}
case $target in
  requestparser) sources=("$src/backend/http/requestparser.cpp" "$src/backend/http/headernames.cpp" "$src/backend/http/httptypes.cpp"
    "$src/backend/services/gateway/proxyheaders.cpp" "$src/backend/services/gateway/trustedproxies.cpp"
    "$src/backend/platform/principal.cpp") ;;
  responseparser) sources=("$src/backend/http/responseparser.cpp" "$src/backend/http/headernames.cpp") ;;
  registry) sources=("$src/backend/services/registry/healthresponse.cpp" "$src/backend/services/registry/registrytypes.cpp"
    "$src/backend/services/registry/registryrequests.cpp" "$src/backend/platform/clock.cpp") ;;
  jwt) sources=("$src/backend/services/auth/jwt.cpp"); libs=$(pkg-config --libs libsodium) ;;
  permissions) sources=("$src/backend/storage/permissionsyntax.cpp") ;;
  archive) sources=("$src/backend/build/archiveextract.cpp"); libs=$(pkg-config --libs libarchive) ;;
  *) echo "unknown fuzz target $target" >&2; exit 2 ;;
esac
out="$out/$target"
mkdir -p "$out/corpus" "$out/crashes"
cp -n "$src/tests/fuzz/corpus/$target/"* "$out/corpus/" 2>/dev/null || true
# -fno-sanitize=function: clang 14 cannot compile coroutine-bearing Qt headers with it.
clang++-14 -std=c++20 -g -O1 -fPIC -fsanitize=fuzzer,address,undefined -fno-sanitize=function \
  -fno-sanitize-recover=all -I"$src/backend" $(pkg-config --cflags Qt6Core Qt6Network) \
  "${sources[@]}" "$src/tests/fuzz/fuzz_$target.cpp" \
  $(pkg-config --libs Qt6Core Qt6Network) $libs -o "$out/fuzz_$target"
"$out/fuzz_$target" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix="$out/crashes/" -print_final_stats=1 "$out/corpus" 2>&1 | tail -n 15
echo "fuzz_$target: ran ${seconds}s, corpus $(ls "$out/corpus" | wc -l) inputs, crashes $(ls "$out/crashes" | wc -l)"
[ -z "$(ls -A "$out/crashes")" ]
