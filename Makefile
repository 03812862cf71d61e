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

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/bench/engine_hold
	$(BUILD)/bench/replay_openb traces/alibaba-gpu-v2023
	$(BUILD)/bench/memory_per_job 1000000
	/usr/bin/time -f "overloaded_queue: %e s wall, %M KiB max RSS" $(BUILD)/capsim run bench/overloaded_queue.json --policy best-fit --out out/bench/overloaded

clean:
	rm -rf $(BUILD) out
