#!/usr/bin/env bash
# Builds the fuzz targets (parsers, and whole small runs) with clang's libFuzzer (plus address and
# undefined-behaviour sanitizers) and runs each for a bounded time.
# usage: run.sh SOURCE_DIR BUILD_DIR [SECONDS_PER_TARGET]
set -euo pipefail
src=$1
build=$2
seconds=${3:-20}
out=$build/fuzz
mkdir -p "$out"
flags=(-std=c++20 -O1 -g1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$src" -I"$build"
       -I/usr/include/eigen3)
common=("$src"/sim/base/check.cpp "$src"/sim/model/gpu_catalog.cpp "$src"/sim/model/fleet.cpp
        "$src"/sim/model/job_table.cpp "$src"/sim/io/csv_reader.cpp)

clang++ "${flags[@]}" -o "$out/fuzz_trace_readers" "$src/tests/fuzz/fuzz_trace_readers.cpp" "${common[@]}" \
  "$src"/workloads/node_list_reader.cpp "$src"/workloads/openb_pod_reader.cpp
# The scenario loader checks tiers and tidal windows (sim/model/tiers.cpp, tidal_calendar.cpp).
clang++ "${flags[@]}" -o "$out/fuzz_scenario" "$src/tests/fuzz/fuzz_scenario.cpp" "$src"/sim/base/check.cpp \
  "$src"/sim/io/scenario_loader.cpp "$src"/sim/model/tiers.cpp "$src"/sim/model/tidal_calendar.cpp \
  "$build"/scenario.pb.cc -lprotobuf
clang++ "${flags[@]}" -o "$out/fuzz_price_catalog" "$src/tests/fuzz/fuzz_price_catalog.cpp" "$src"/sim/base/check.cpp \
  "$src"/sim/model/gpu_catalog.cpp "$src"/sim/io/csv_reader.cpp "$src"/sim/io/scenario_loader.cpp \
  "$src"/sim/io/price_catalog_loader.cpp "$src"/sim/model/tiers.cpp "$src"/sim/model/tidal_calendar.cpp \
  "$build"/scenario.pb.cc "$build"/price_catalog.pb.cc -lprotobuf

# Whole runs: every library source but the HDF5 writers.
run_sources=()
for f in "$src"/sim/*/*.cpp "$src"/policies/*.cpp "$src"/workloads/*.cpp "$src"/scenario/*.cpp \
         "$src"/experiments/runner.cpp "$src"/experiments/inflation.cpp "$src"/experiments/fgd_sim.cpp; do
  case "$f" in */results_h5.cpp|*/cost_h5.cpp) ;; *) run_sources+=("$f") ;; esac
done
clang++ "${flags[@]}" -o "$out/fuzz_run" "$src/tests/fuzz/fuzz_run.cpp" "${run_sources[@]}" \
  "$build"/scenario.pb.cc "$build"/price_catalog.pb.cc -lprotobuf -ltbb

# Seed corpora: heads of the bundled traces and the example scenarios.
mkdir -p "$out/corpus_traces" "$out/corpus_scenario" "$out/corpus_catalog" "$out/corpus_run"
for f in "$src"/traces/*/*.csv; do head -c 4096 "$f" > "$out/corpus_traces/$(basename "$f")"; done
cp "$src"/scenarios/*.json "$src"/scenarios/*.textproto "$src"/tests/scenarios/*.json "$out/corpus_scenario/"
head -c 8192 "$src"/scenarios/prices/example_catalog.json > "$out/corpus_catalog/example_catalog.json"
printf 'currency,provider,region,node_type,gpu_model,gpus,cpu_cores,memory_gib,on_demand_per_hour,spot_per_hour\nUSD,aws,us-east-1,g4dn.xlarge,T4,1,4,16,0.526,0.1578\n' \
  > "$out/corpus_catalog/catalog.csv"

# Whole runs: 10 bytes of seed, policy and queue, then a scenario (or nothing: a random one).
for i in 1 2 3 4 5 6 7 8; do printf '%08d%02d' "$i" "$i" > "$out/corpus_run/random$i"; done
for f in "$src"/tests/scenarios/*.json; do
  case "$f" in *.expected.json) ;; *) { printf '0000000100'; cat "$f"; } > "$out/corpus_run/$(basename "$f")" ;; esac
done

status=0
for target in fuzz_trace_readers:corpus_traces fuzz_scenario:corpus_scenario fuzz_price_catalog:corpus_catalog \
              fuzz_run:corpus_run; do
  name=${target%%:*}
  corpus=${target##*:}
  echo "== $name for ${seconds}s"
  (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "./$name" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
     -rss_limit_mb=2048 -print_final_stats=1 "$corpus" 2>&1 | tail -n 12) || status=1
done
exit $status
