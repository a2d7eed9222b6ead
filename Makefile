# libazaudio: build, install and test.
#
#   make                      build build/lib/libazaudio.so.0.1.0 (+ .so.0 and .so links), release mode
#   make test                 install what is missing, build, run every test
#   make demo                 run the main job against the local emulator (or AZURE_OPENAI_ENDPOINT)
#   make install PREFIX=DIR   install the library, header, pkg-config file and CMake package
#   make examples             build the C examples against build/lib
#   make fuzz [FUZZ_SECONDS=600] run every libFuzzer target, 10 min each (make test: FUZZ_SMOKE_SECONDS each)
#   make gateway              build build/bin/azaudio-gateway, the SIP/RTP gateway (gateway/, on libre)
#   make test-gateway         the gateway end to end with SIPp and a Python caller against the emulator
#   make bench-gateway        the gateway under concurrent SIPp calls (also part of make bench)
#   make sanitize             C tests against an ASan+UBSan library, Swift realtime tests under TSan (make test: short)
#   make bench                run the benchmarks and print their numbers (not part of make test)
#   make wheel                the Python package as a manylinux wheel (bindings/python/wheelhouse/), libcurl and
#                             OpenSSL inside: installs and runs with no Swift toolchain and no libcurl headers
#   make abi-baseline         record the current ABI as the baseline (only for a deliberate major version)
#   make lint                 report what swift format, clang-format and ruff would change (LINT_FIX=1 applies it)

VERSION      := 0.1.0
SOVERSION    := 0
PREFIX       ?= /usr/local
LIBDIR_NAME  ?= lib
BUILD        := build
LIB_DIR      := $(BUILD)/lib
LIB_REAL     := $(LIB_DIR)/libazaudio.so.$(VERSION)
SWIFT        ?= swift
SWIFT_RELEASE_FLAGS := -c release
CC           ?= cc
CFLAGS_TEST  := -std=c99 -Wall -Wextra -Werror -O1 -g -Iinclude
LDFLAGS_TEST := -L$(LIB_DIR) -lazaudio -Wl,-rpath,$(CURDIR)/$(LIB_DIR)

.PHONY: all lib deps test test-swift test-c test-header test-install test-abi test-emulator examples install \
        demo abi-baseline clean emulator-venv gateway test-gateway bench-gateway test-fuzz fuzz test-sanitize sanitize bench \
        test-python test-demo test-cpp test-bench test-longaudio test-memcheck wheel test-wheel lint test-prepare

all: lib

# --- build -------------------------------------------------------------------------------------------------------

# SwiftPM does not notice a header-only change: touch an ABI-layer file so @c @implementation is re-checked.
.build/header-stamp: include/azaudio.h
	@mkdir -p .build && touch Sources/AzAudio/VersionExports.swift && touch $@

lib: .build/header-stamp
	$(SWIFT) build $(SWIFT_RELEASE_FLAGS) --product azaudio
	@mkdir -p $(LIB_DIR)
	@scripts/replace-file.sh .build/release/libazaudio.so $(LIB_REAL) # renamed into place, never rewritten
	@ln -sf libazaudio.so.$(VERSION) $(LIB_DIR)/libazaudio.so.$(SOVERSION)
	@ln -sf libazaudio.so.$(SOVERSION) $(LIB_DIR)/libazaudio.so
	@scripts/check-library.sh $(LIB_REAL)

deps:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory -C emulator deps

# --- install -----------------------------------------------------------------------------------------------------

install: lib gateway
	@scripts/install.sh "$(DESTDIR)$(PREFIX)" "$(LIBDIR_NAME)" "$(VERSION)" "$(SOVERSION)" "$(LIB_REAL)"
	@install -D -m 755 $(GATEWAY_BIN) "$(DESTDIR)$(PREFIX)/bin/azaudio-gateway"

# --- examples ----------------------------------------------------------------------------------------------------

FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 5

EXAMPLES := $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))
CXX_EXAMPLES := $(patsubst examples/%.cpp,$(BUILD)/examples/%_cpp,$(wildcard examples/*.cpp))

examples: lib $(EXAMPLES) $(CXX_EXAMPLES)

$(BUILD)/examples/%: examples/%.c $(wildcard examples/*.h) include/azaudio.h $(LIB_REAL)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -Wall -Wextra -O2 -Iinclude $< -o $@ $(LDFLAGS_TEST) -lm

# --- the SIP/RTP gateway (gateway/, on libre) ----------------------------------------------------------------------

GATEWAY_BIN  := $(BUILD)/bin/azaudio-gateway
GATEWAY_SRC  := $(wildcard gateway/*.c)
GATEWAY_HDR  := $(wildcard gateway/*.h)
CFLAGS_GATEWAY := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -O2 -g -Iinclude \
	$$(pkg-config --cflags libre 2>/dev/null || echo -I/usr/include/re) -DHAVE_INET6 -DHAVE_STDBOOL_H

gateway: lib $(GATEWAY_BIN)

$(GATEWAY_BIN): $(GATEWAY_SRC) $(GATEWAY_HDR) include/azaudio.h $(LIB_REAL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_GATEWAY) $(GATEWAY_SRC) -o $@ -L$(LIB_DIR) -lazaudio -Wl,-rpath,'$$ORIGIN/../lib' \
		$$(pkg-config --libs libre 2>/dev/null || echo -lre) -lpthread

# The gateway against the emulator: SIPp calls (audio, digits, BYE), bad input, jitter and loss, baresip, valgrind.
test-gateway: gateway emulator-venv
	@scripts/test-gateway.sh

# --- tests -------------------------------------------------------------------------------------------------------

# The suites, slowest first (scripts/run-suites.sh runs $(TEST_LANES) at a time and prints each one's wall time);
# a+b runs b after a in one lane (they share a build directory). TEST_LANES=1 runs them one after the other.
TEST_SUITES := test-c test-sanitize test-emulator test-python+test-wheel test-swift test-fuzz test-gateway \
	test-memcheck test-cpp test-bench+test-longaudio test-demo test-install test-abi test-header
TEST_LANES ?= 2

test: deps lib
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-prepare
	@TEST_LANES=$(TEST_LANES) scripts/run-suites.sh $(TEST_SUITES)
	@echo "make test: all suites passed"

# Everything the suites share, built once before they run side by side.
test-prepare: lib examples gateway emulator-venv $(C_TESTS) $(BUILD)/tests/test_cpp
	@$(MAKE) --no-print-directory -C bindings/python venv

# The WebSocket integration tests talk to a strict peer: Python's websockets, from the emulator's venv.
test-swift: emulator-venv
	@AZAUDIO_WSTEST_PYTHON=$(CURDIR)/emulator/.venv/bin/python $(SWIFT) test --scratch-path .build/tests 2>&1 | grep -vE "^Test (Case|Suite) .* (started|passed) " ; exit $${PIPESTATUS[0]}

test-header:
	@scripts/check-header.sh

C_TESTS := $(patsubst Tests/c/%.c,$(BUILD)/tests/%,$(wildcard Tests/c/test_*.c))

$(BUILD)/tests/%: Tests/c/%.c Tests/c/check.h $(wildcard Tests/c/*_support.h) include/azaudio.h $(LIB_REAL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_TEST) $< -o $@ $(LDFLAGS_TEST) -lcurl -lssl -lcrypto -lpthread -lm

test-c: lib $(C_TESTS) emulator-venv
	@scripts/make-test-ca.sh $(BUILD)/tls
	@scripts/run-c-tests.sh $(C_TESTS)

# A few C test programs again under valgrind memcheck (no invalid access, no definite or indirect leak).
MEMCHECK_TESTS := $(addprefix $(BUILD)/tests/,test_client test_audio_g711_resampler test_audio_wav test_audio_frames \
	test_rest_chat test_tls)

test-memcheck: lib $(MEMCHECK_TESTS) emulator-venv
	@scripts/make-test-ca.sh $(BUILD)/tls
	@scripts/memcheck.sh $(MEMCHECK_TESTS)

# --- C++ wrapper (include/azaudio.hpp) ----------------------------------------------------------------------------

CXXFLAGS_TEST := -std=c++17 -Wall -Wextra -Werror -pedantic -O1 -g -Iinclude

$(BUILD)/tests/test_cpp: Tests/cpp/test_cpp.cpp include/azaudio.hpp include/azaudio.h $(LIB_REAL)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_TEST) $< -o $@ $(LDFLAGS_TEST) -lpthread

# Built with $(CXX) (g++), checked with clang++ too, run against a fresh emulator like the C tests.
test-cpp: lib $(BUILD)/tests/test_cpp emulator-venv
	@clang++ $(CXXFLAGS_TEST) -fsyntax-only Tests/cpp/test_cpp.cpp
	@TEST_LABEL="C++ tests" scripts/run-c-tests.sh $(BUILD)/tests/test_cpp

$(BUILD)/examples/%_cpp: examples/%.cpp include/azaudio.hpp include/azaudio.h $(LIB_REAL)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -Wall -Wextra -O2 -Iinclude $< -o $@ $(LDFLAGS_TEST) -lpthread

emulator-venv:
	@$(MAKE) --no-print-directory -C emulator venv

# ... and a program using the library survives make lib and make install replacing it (scripts/replace-file.sh).
test-install: lib
	@scripts/check-install.sh
	@scripts/test-lib-replace.sh

test-abi: lib
	@scripts/check-abi.sh

test-emulator:
	@$(MAKE) --no-print-directory -C emulator test

test-python: lib emulator-venv
	@$(MAKE) --no-print-directory -C bindings/python test

wheel: lib
	@$(MAKE) --no-print-directory -C bindings/python wheel

# The wheel installed into a fresh venv, its smoke tests run with the Swift toolchain off PATH.
test-wheel: lib emulator-venv
	@$(MAKE) --no-print-directory -C bindings/python test-wheel

# Sanitizers: a short run in make test, the full one in make sanitize (see scripts/sanitize.sh).
test-sanitize: lib emulator-venv
	@scripts/sanitize.sh --smoke

sanitize: lib emulator-venv
	@scripts/sanitize.sh

test-fuzz: lib
	@scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

fuzz: lib
	@scripts/fuzz.sh $(FUZZ_SECONDS)

# Formatters and linters (configuration: .swift-format, .clang-format, ruff.toml); the first step of make test.
lint:
	@scripts/lint.sh

# Both run under scripts/no-leftovers.sh: a process the benchmarks leave running fails them.
bench: lib examples emulator-venv bench-gateway
	@scripts/no-leftovers.sh scripts/bench.sh

# The SIP gateway under concurrent SIPp calls against the C echo server (calls, dropped RTP, outgoing gap p99, CPU
# and RSS per call). BENCH_GATEWAY_ARGS=--smoke for a short run.
bench-gateway: gateway emulator-venv
	@emulator/.venv/bin/python bench/gateway/bench_gateway.py $(BENCH_GATEWAY_ARGS)

# Issue 14's acceptance: a generated 60-minute two-voice recording with known phrases through the emulator in
# pieces; the merged SRT and diarized result checked phrase by phrase (bench/longaudio/acceptance.c; the recording
# is cached in build/bench). About 65 CPU-seconds (BENCHMARKS.md has the wall times under load).
test-longaudio: lib emulator-venv
	@bench/longaudio/acceptance.sh 60

# One short repetition of every benchmark, so that the harness cannot rot (numbers not checked).
test-bench: lib emulator-venv
	@scripts/no-leftovers.sh scripts/bench.sh --smoke

abi-baseline:
	@scripts/check-abi.sh --write-baseline

# --- demo --------------------------------------------------------------------------------------------------------

demo: deps lib examples emulator-venv
	@scripts/demo.sh

# The demo against the emulator, so that the README's first command cannot rot.
test-demo: lib examples emulator-venv
	@env -u AZURE_OPENAI_ENDPOINT -u AZURE_OPENAI_API_KEY AZAUDIO_DEMO_CHECK=1 scripts/demo.sh

clean:
	rm -rf $(BUILD) .build
	@$(MAKE) --no-print-directory -C bindings/python clean

SHELL := /bin/bash
