# Thin wrapper over CMake. `make run` and `make test` install what they
# need on Debian (apt-get, as root) and build first.
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DEB_PACKAGES = build-essential cmake nasm libsdl2-dev libcapstone-dev zlib1g-dev \
               gcc-multilib pkg-config seabios gdb xvfb x11-apps x11-utils xdotool mtools genisoimage

.PHONY: all deps build build-asan run run-demo test bench conformance clean test-guests bench-linux guest-a

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

# The default guest: guest A, Debian 12's 686 kernel with a busybox
# initramfs (tests/guests/prepare.sh fetches them from Debian's archive
# once, into ~/.cache/ember/guests), booted like QEMU's -kernel (SeaBIOS,
# then the linuxboot option ROM) to an interactive shell: in the SDL window
# (on tty1) where a display exists, and on this terminal through the serial
# console (ttyS0). `poweroff` in either ends it.
GUEST_A_APPEND = console=tty0 console=ttyS0 quiet cryptomgr.notests noisapnp noshutdown
run: build guest-a
	@guest=$$(sh tests/guests/prepare.sh a 2>/dev/null | tail -n 1); \
	./$(BUILD)/ember -m 128 -name "Debian 12 (guest A)" -serial stdio -icount sleep=on \
	  -kernel $$guest/bzImage -initrd $$guest/initrd.gz -append "$(GUEST_A_APPEND)"

guest-a:
	sh tests/guests/prepare.sh a >/dev/null

# The project's demo ROM (tests/demo), headless. It ends by writing 0 to the
# exit port: exit status 1 is its success.
run-demo: build
	./$(BUILD)/ember -bios $(BUILD)/tests/demo/demo.bin -display none || [ $$? -eq 1 ]

# Guests B (the Debian installer) and D (Debian on an IDE disk, built with
# debootstrap: needs root); see tests/guests/test-guests.sh.
test-guests: build
	sh tests/guests/test-guests.sh ./$(BUILD)/ember $(BUILD)/guests

# Guest A's boot and workload timed, beside QEMU's TCG when installed.
bench-linux: build guest-a
	sh tests/linux/bench.sh ./$(BUILD)/ember

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
