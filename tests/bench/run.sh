#!/usr/bin/env bash
# Builds a Release build in build-bench and runs every benchmark with quick defaults.
#   FULL=1: the fan-out benchmark for its full 60 s per author count (default here: 15 s).
#   FANOUT_SECONDS=N overrides the fan-out duration; BUILD_DIR overrides build-bench.
#   LOAD_CONNECTIONS=N, LOAD_SECONDS=S: the mixed load (default 15,000 connections, 30 s);
#   LOAD_OUT=DIR keeps its JSON and SVG there (default: a temp dir, printed).
# The figures are not pass/fail; each benchmark prints "bench_x: metric = value unit" lines and
# one JSON line. Only 127.0.0.1 (and 127.0.0.2.. as source addresses) is used.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
targets=(plenary bench_connections bench_ws_replay bench_fanout bench_ballots bench_export bench_load)

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPLENARY_TESTS=OFF >/dev/null || exit 1
cmake --build "$build" -j2 --target "${targets[@]}" || exit 1

if [[ "${FULL:-0}" == 1 ]]; then fanout_s="${FANOUT_SECONDS:-60}"; else fanout_s="${FANOUT_SECONDS:-15}"; fi
status=0
echo "== bench_connections"; "$build/bench_connections" || status=1
echo "== bench_ws_replay";   "$build/bench_ws_replay" || status=1
echo "== compare_sharedb";   SKIP_BUILD=1 BUILD_DIR="$build" "$here/compare_sharedb.sh" || status=1
echo "== bench_fanout (${fanout_s} s per author count)"; "$build/bench_fanout" --seconds "$fanout_s" || status=1
echo "== bench_ballots (5,000 delegates, ballots spread over 5 s, then all at once)"
"$build/bench_ballots" --spread 5 || status=1
"$build/bench_ballots" --spread 0 || status=1
echo "== bench_export (500 clauses x 5 languages, every format)"; "$build/bench_export" || status=1
echo "== bench_load (mixed: ${LOAD_CONNECTIONS:-15000} connections, 5,000 voters, 400 authors)"
"$build/bench_load" --scenario mixed --connections "${LOAD_CONNECTIONS:-15000}" --seconds "${LOAD_SECONDS:-30}" \
  ${LOAD_OUT:+--out "$LOAD_OUT"} || status=1
echo "== web_load (Chromium at 1.6 Mbps / 300 ms RTT)"
( cd "$root" && source deploy/lib/deps.sh && plenary_npm_ci web && plenary_npm_ci tests &&
  (cd web && npm run --silent build >/dev/null) ) &&
  PLENARY_BINARY="$build/plenary" node "$here/web_load.mjs" || status=1
exit $status
