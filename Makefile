# Quick start: `make run` (default study) and `make test` (whole suite).
# Both install any missing Debian package first, then configure and build (Release).
# `make asan`: the suite under ASan+UBSan; `make fuzz`, `make fuzz-check`: the readers' fuzz targets.
# `make install [PREFIX=/usr/local]`: builds (Release) and installs the tool, its data and the package.
BUILD_DIR  ?= build
FUZZ_DIR   ?= build-fuzz
FUZZ_RUNS  ?= 5000
FUZZ_SEED  ?= 1
FUZZ_SECONDS ?= 600
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)
PREFIX     ?= /usr/local
RUN_ARGS   ?= run --arch platform/configs/default.yaml --network mlp -o $(BUILD_DIR)/out \
  --vcd $(BUILD_DIR)/out/trace.vcd --timeline $(BUILD_DIR)/out/timeline.json

DEB_PACKAGES := cmake g++ make pkg-config libsystemc-dev libboost-dev libboost-program-options-dev \
  libspdlog-dev libyaml-cpp-dev nlohmann-json3-dev libeigen3-dev libonnx-dev libprotobuf-dev \
  libgtest-dev libgmock-dev libbenchmark-dev parallel python3-matplotlib clang libfuzzer-14-dev \
  slurm-wlm munge

export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE := 1
# A UBSan report stops the process with its stack, so it fails the test or fuzz run it happens in.
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
MAKEFLAGS += --no-print-directory

.PHONY: deps configure build run test install bench bench-zoo asan fuzz fuzz-check clean
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@mkdir -p $(BUILD_DIR)/out
	$(BUILD_DIR)/bin/aimcsim $(RUN_ARGS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

install: build   # README, "Install"
	@cmake --install $(BUILD_DIR) --prefix $(PREFIX)

bench: build
	@cmake --build $(BUILD_DIR) --target bench

bench-zoo: build   # compile and run wall times of the ONNX zoo (tests/bench/zoo_bench.cpp)
	@cmake --build $(BUILD_DIR) --target aimcsim_bench
	$(BUILD_DIR)/bin/aimcsim_bench --benchmark_filter=Zoo

# The suite's LeakSanitizer scans registers and globals but not thread stacks: on some kernels
# (seen on 6.18) it takes a SystemC coroutine's stack for the main thread's, reads its guard page
# and dies after the tests passed. A leak is still found (Sanitizers.lsan_report_fails_the_process).
# Not for the fuzzers, whose leak check runs while the input's objects are on the stack.
asan:
	@LSAN_OPTIONS=$${LSAN_OPTIONS:-use_stacks=0} $(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Asan

fuzz: deps   # libFuzzer targets of the readers, clang with ASan+UBSan (tests/fuzz)
	@cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=clang++ -DAIMCSIM_FUZZ=ON -DBUILD_TESTING=OFF > /dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz

fuzz-check: fuzz build   # every target FUZZ_RUNS inputs from FUZZ_SEED (at most FUZZ_SECONDS each); fails on a finding
	@tools/fuzz_check.sh $(FUZZ_DIR) $(BUILD_DIR)/bin/aimcsim $(FUZZ_RUNS) $(FUZZ_SEED) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) build-asan $(FUZZ_DIR)
