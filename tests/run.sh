#!/usr/bin/env bash
# Installs what is missing, builds (C++ under AddressSanitizer + UndefinedBehaviorSanitizer),
# and runs every suite: C++ unit, C++ integration (real server, real WebSocket clients),
# protocol contract (JSON Schemas, and the replies the integration tests really received),
# browser end-to-end (Debian's chromium driven by playwright-core). Ends with a summary line
# and exits non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source deploy/lib/deps.sh

if [ ! -d ../shared/conformance ] || [ ! -d ../shared/traces ]; then
  echo "FAIL: ../shared (conformance cases, editing traces, schemas) is missing beside the project at $ROOT/../shared"
  exit 1
fi

plenary_install_packages $PLENARY_BUILD_PACKAGES $PLENARY_RUNTIME_PACKAGES $PLENARY_TEST_PACKAGES $(plenary_need_node) || exit 1
plenary_npm_ci web || exit 1
plenary_npm_ci tests || exit 1
(cd web && npm run --silent build) || { echo "FAIL: web build"; exit 1; }

BUILD=${PLENARY_TEST_BUILD:-build-asan}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPLENARY_SANITIZE=ON -DPLENARY_BENCH=OFF >/dev/null || exit 1
echo "== building ($BUILD, ASan+UBSan)"
cmake --build "$BUILD" -j"$(nproc)" || { echo "FAIL: build"; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export PLENARY_BINARY="$ROOT/$BUILD/plenary"
export PLENARY_ARGON2_PROFILE=min
OUT="$ROOT/tests/out"
rm -rf "$OUT" && mkdir -p "$OUT"
export PLENARY_REPLIES="$OUT/replies.jsonl"

passed=0
failed=0
failures=()
suite() {
  local name=$1; shift
  echo
  echo "== suite: $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); echo "== $name: PASS ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "== $name: FAIL ($((SECONDS - start)) s)"
  fi
}

for t in core translate shell; do
  suite "C++ unit: $t" timeout 1200 "$BUILD/${t}_tests" --gtest_brief=1
done
suite "C++ integration" timeout 2400 "$BUILD/integration_tests" --gtest_brief=1
suite "protocol contract" timeout 600 node --test tests/contract/
suite "web client unit" timeout 600 bash -c 'cd web && node --test test/'
suite "browser end-to-end" timeout 1800 node --test --test-concurrency=1 tests/e2e/
suite "fuzz (libFuzzer, ${PLENARY_FUZZ_SECONDS:-20} s a target)" timeout 1800 tests/fuzz/run.sh "${PLENARY_FUZZ_SECONDS:-20}"

echo
echo "== summary"
for f in "${failures[@]}"; do echo "   failed: $f"; done
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
