# Thin wrapper over CMake. `make run` and `make test` install what they
# need on Debian (apt-get, as root) and build first.
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DEB_PACKAGES = build-essential cmake nasm libsdl2-dev libcapstone-dev zlib1g-dev \
               gcc-multilib pkg-config seabios

.PHONY: all deps build build-asan run test bench conformance clean

all: build

# Install the build and test dependencies when any is missing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DEMBER_SANITIZE=ON
	cmake --build $(BUILD_ASAN) -j $(JOBS)

# The default guest: the project's own demo ROM (tests/demo), headless. It
# ends by writing 0 to the exit port: exit status 1 is its success.
run: build
	./$(BUILD)/ember -bios $(BUILD)/tests/demo/demo.bin -display none || [ $$? -eq 1 ]

# Everything: the Release build, then the sanitizer build, each through ctest.
test: build build-asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(BUILD_ASAN) && ctest --output-on-failure -j $(JOBS) -LE slow

bench: build
	cmake --build $(BUILD) --target bench

conformance: build
	cmake --build $(BUILD) --target conformance

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
