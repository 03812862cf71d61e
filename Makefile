# The two commands of the README: `make demo` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc)
PY := /usr/bin/python3

.PHONY: deps build demo test bench fuzz clean

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@echo "== What-if 1: the openb default pods replayed on their real cluster (1,213 GPU nodes)"
	$(BUILD)/capsim compare scenarios/openb_default.json --out out/demo/openb_default
	@echo
	@echo "== What-if 2: the same pods on a 20-node fleet (scenarios/openb_downsized.json)"
	$(BUILD)/capsim compare scenarios/openb_downsized.json --out out/demo/openb_downsized
	@echo
	@echo "== What-if 3: which policy strands the fewest GPUs? The inflation experiment of Weng et al. (ATC'23)"
	$(BUILD)/capsim inflate --nodes traces/alibaba-gpu-v2023/openb_node_list_gpu_node.csv \
	    --pods traces/alibaba-gpu-v2023/openb_pod_list_default.csv --out out/demo/inflation
	@echo
	@echo "== What-if 4: what does each policy cost, and who pays? (scenarios/cost_reserved_plus_burst.json)"
	$(BUILD)/capsim compare scenarios/cost_reserved_plus_burst.json --policies first-fit,best-fit,worst-fit,fgd --out out/demo/cost
	$(BUILD)/capsim cost out/demo/cost/best-fit-seed11/results.h5 --by team --spread-idle
	@echo
	@echo "== What-if 5: how much would spot save us? (scenarios/spot_v2026.json)"
	$(BUILD)/capsim compare scenarios/spot_v2026.json --policies spot-fallback,spot-only,static-split,on-demand-only --out out/demo/spot
	@echo
	@echo "== The comparison figure of what-if 2"
	PYTHONPATH=$(BUILD)/python MPLBACKEND=Agg $(PY) -m capsim plot out/demo/openb_downsized/*/results.h5 \
	    -o out/demo/openb_downsized.png

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/bench/engine_hold
	$(BUILD)/bench/replay_openb traces/alibaba-gpu-v2023
	$(BUILD)/bench/memory_per_job 1000000
	$(BUILD)/bench/cost_overhead scenarios 30
	$(BUILD)/bench/cost_ledger_year scenarios 1200000
	$(BUILD)/bench/spot_interruptions 100000
	/usr/bin/time -f "inflation, fgd, 1 seed: %e s wall" $(BUILD)/capsim inflate --nodes traces/alibaba-gpu-v2023/openb_node_list_gpu_node.csv --pods traces/alibaba-gpu-v2023/openb_pod_list_default.csv --policies fgd --repeats 1 --threads 1 --out out/bench/inflate1
	/usr/bin/time -f "inflation, fgd:score=k8s, 1 seed: %e s wall" $(BUILD)/capsim inflate --nodes traces/alibaba-gpu-v2023/openb_node_list_gpu_node.csv --pods traces/alibaba-gpu-v2023/openb_pod_list_default.csv --policies fgd:score=k8s --repeats 1 --threads 1 --out out/bench/inflate1k
	/usr/bin/time -f "inflation, 6 policies x 10 seeds: %e s wall" $(BUILD)/capsim inflate --nodes traces/alibaba-gpu-v2023/openb_node_list_gpu_node.csv --pods traces/alibaba-gpu-v2023/openb_pod_list_default.csv --out out/bench/inflate60
	PYTHONPATH=$(BUILD)/python $(PY) bench/python_overhead.py
	/usr/bin/time -f "overloaded_queue: %e s wall, %M KiB max RSS" $(BUILD)/capsim run bench/overloaded_queue.json --policy best-fit --out out/bench/overloaded
	$(PY) bench/scale.py --capsim $(BUILD)/capsim
	$(PY) bench/sweep.py --capsim $(BUILD)/capsim
	$(PY) scripts/fgd_sim_check.py --capsim $(BUILD)/capsim --out out/bench/fgd_sim

clean:
	rm -rf $(BUILD) out
