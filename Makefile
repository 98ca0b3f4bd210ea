# The two entry points of the README, each self-sufficient from a clean clone:
#   make demo   - set up, build, quantize and run the bundled example
#   make check  - set up, build and run every test (lit + unit, via ctest)
BUILD ?= build
JOBS  ?= $(shell nproc)

.PHONY: all setup build check demo clean

all: build

setup:
	@scripts/setup.sh $(BUILD)

build: setup
	@cmake --build $(BUILD) -j $(JOBS)

check: build
	@ctest --test-dir $(BUILD) --output-on-failure

demo: build
	@examples/quickstart/run.sh $(BUILD)
	@echo
	@examples/models/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
