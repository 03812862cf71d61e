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
	$(PY) scripts/demo.py --capsim $(BUILD)/capsim --out out/demo

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
	$(PY) bench/colocation_week.py --capsim $(BUILD)/capsim
	$(PY) bench/big_vm_week.py --capsim $(BUILD)/capsim
	$(PY) bench/spill_over_week.py --capsim $(BUILD)/capsim
	/usr/bin/time -f "multicloud_serving (10,000 GPUs, 5 clusters, a week): %e s wall, %M KiB max RSS" $(BUILD)/capsim run scenarios/multicloud_serving.json --out out/bench/multicloud
	/usr/bin/time -f "deadline-spot, 1,000 starts x 5 policies, 1 thread: %e s wall" $(BUILD)/capsim deadline-spot traces/skypilot-spot-v2023/aws-us-east-1a-p3.2xlarge-1node-capacity.csv --starts 1000 --threads 1 --out out/bench/deadline_spot
	$(PY) scripts/fgd_sim_check.py --capsim $(BUILD)/capsim --out out/bench/fgd_sim

clean:
	rm -rf $(BUILD) out
