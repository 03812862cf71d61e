#!/usr/bin/env bash
# Builds the unit tests with address and undefined-behaviour sanitizers in
# their own build folder and runs them: any sanitizer report fails the test.
# usage: sanitize.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2/sanitize
# -O1 -g1 (line tables only): the usual level for ASan, and half the compile time of -O2 -g.
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCAPSIM_SANITIZE=ON > "$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" --target capsim_tests capsim > "$build.build.log" 2>&1 \
  || { tail -50 "$build.build.log"; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$build/tests/capsim_tests"
# The CLI end to end under the sanitizers, on the real trace.
"$build/capsim" compare "$src/scenarios/openb_downsized.json" --out "$build/out" > /dev/null
"$build/capsim" run "$src/tests/scenarios/mmc16_queue.json" --out "$build/out/mmc" > /dev/null
