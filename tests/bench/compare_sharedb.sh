#!/usr/bin/env bash
# Replays the automerge-paper trace (259,778 patches) against Plenary and against ShareDB in one
# run and prints both rates and the ratio Plenary/ShareDB.
#   Plenary: bench_ws_replay (spawns the real server; durable acks; window WINDOW, default 1024).
#   ShareDB: sharedb/server.mjs (MemoryDB, ot-text-unicode) + sharedb/client.mjs (Doc.submitOp;
#            ShareDB's own inflight/pending pipelining; the client yields to the event loop every
#            CHUNK submits, default 256; CHUNK=0 submits all ops in one synchronous loop).
# The two replays run one after the other (not concurrently) so they do not share the 2 cores.
# env: WINDOW (1024), CHUNK (256), LIMIT (all patches), BUILD_DIR (build-bench), SKIP_BUILD=1
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
window="${WINDOW:-1024}"
chunk="${CHUNK:-256}"
limit_args=()
if [[ -n "${LIMIT:-}" ]]; then limit_args=(--limit "$LIMIT"); fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPLENARY_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target plenary bench_ws_replay
fi
if [[ ! -d "$here/sharedb/node_modules/sharedb" ]]; then
  (cd "$here/sharedb" && npm ci --no-audit --no-fund)
fi

tmp="$(mktemp -d /tmp/plenary-compare-XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== Plenary (window $window)"
"$build/bench_ws_replay" --windows "$window" "${limit_args[@]}" | tee "$tmp/plenary.out" || true

echo "== ShareDB (chunk $chunk)"
node "$here/sharedb/server.mjs" --port 0 --port-file "$tmp/sharedb.port" 2>"$tmp/sharedb.log" &
server_pid=$!
for _ in $(seq 1 200); do [[ -s "$tmp/sharedb.port" ]] && break; sleep 0.05; done
node "$here/sharedb/client.mjs" --port "$(cat "$tmp/sharedb.port")" --chunk "$chunk" "${limit_args[@]}" | tee "$tmp/sharedb.out" || true

node -e '
const fs = require("fs");
const last = (f) => JSON.parse(fs.readFileSync(f, "utf8").trim().split("\n").filter((l) => l.startsWith("{")).pop());
const p = last(process.argv[1]), s = last(process.argv[2]);
const pr = p.runs[0].ops_per_s, sr = s.ops_per_s;
console.log(`compare_sharedb: plenary = ${Math.round(pr)} ops/s (window ${p.runs[0].window}, text ${p.runs[0].text_ok ? "ok" : "WRONG"}), ` +
  `sharedb = ${Math.round(sr)} ops/s (chunk ${s.chunk}, text ${s.text_ok ? "ok" : "WRONG"}), ratio plenary/sharedb = ${(pr / sr).toFixed(2)}`);
console.log(JSON.stringify({bench: "compare_sharedb", plenary_ops_per_s: pr, sharedb_ops_per_s: sr, ratio: pr / sr,
  plenary_window: p.runs[0].window, sharedb_chunk: s.chunk, plenary_text_ok: p.runs[0].text_ok, sharedb_text_ok: s.text_ok}));
' "$tmp/plenary.out" "$tmp/sharedb.out"
