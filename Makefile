# spanhound -- one Makefile for build, tests, fuzzing, benchmark and demo.
#
#   make deps    install every Debian package the build, tests and demo need
#   make         build/spanhound
#   make test    deps + build + unit tests (plain and ASan/UBSan) + fuzz corpora
#                replay (ASan/UBSan) + pcap regression tests + EVE schema
#                validation + CLI tests + live capture test + health report test;
#                ends with "total: N passed, M failed, K skipped"
#   make demo    deps + build + replay the bundled capture, print the verdicts
#   make fuzz    build the libFuzzer harnesses (clang) and run each FUZZ_SECONDS
#   make bench   build a >= 1 GB benchmark capture and measure (not a test)
#   make bench-ioc  the threat-intelligence store at 1M entries (part of make bench)
#   make mutants every trust rule removed in turn must make some test fail
#   make install PREFIX=/usr/local DESTDIR=   install (make uninstall removes)
#   make deb     the Debian package, build/deb/*.deb (lintian clean)
#   make package-test  the .deb installed, removed, purged in a clean root
#   make update-golden   regenerate the generated captures and the expectations
#                their generators write (tests/gen/*.py), never from spanhound

VERSION     := 0.1.0
CC          ?= gcc
CLANG       ?= clang
PKGS        := libpcap libndpi libconfig nettle libpsl libsodium hiredis libmaxminddb jansson \
               libsystemd libcap
DATADIR     ?= $(CURDIR)/detect/data

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror \
           -Wno-format-truncation
STD     := -std=c11 -D_DEFAULT_SOURCE
DEFS    := -DSPANHOUND_VERSION='"$(VERSION)"' -DSH_DATADIR='"$(DATADIR)"'
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -I. $(STD) $(WARN) $(DEFS) $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
LIBS    := $(PKG_LIBS) -lpthread -lm
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Debian 12 packages: build, tests (cmocka, tshark, scapy, jsonschema, redis), fuzzing
# (clang + compiler-rt), benchmark (tcprewrite, mergecap, ndpiReader, GNU time),
# promtool (package prometheus: the health test checks the Prometheus textfile with it).
DEBS := gcc make pkg-config libc6-dev libpcap-dev libndpi-dev libndpi-bin \
        libconfig-dev nettle-dev libpsl-dev libsodium-dev publicsuffix libcmocka-dev \
        tshark wireshark-common python3 python3-scapy clang libclang-rt-14-dev \
        tcpreplay time wamerican iproute2 libhiredis-dev redis-server redis-tools \
        redis-sentinel libcurl4-openssl-dev libjansson-dev python3-redis python3-jsonschema \
        libmaxminddb-dev mmdb-bin libmaxmind-db-writer-perl python3-cryptography openssl \
        libsystemd-dev libcap-dev \
        prometheus

LIB_SRC   := $(wildcard capture/*.c config/*.c feeds/*.c detect/*.c) \
             $(filter-out appliance/main.c,$(wildcard appliance/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)

OBJ      := $(LIB_SRC:%.c=build/obj/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
UNIT_ASAN:= $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=build/asan/fuzz/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 60

.PHONY: mutants all deps test unit unit-asan fuzz-replay regress eve-schema cli-test reload-test live-test redis-test state-test health-test demo fuzz bench \
        clean update-golden update-config

all: build/spanhound

deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing \
	    >/dev/null || { echo "make deps: apt-get failed"; exit 1; }; \
	fi

# ---- build -----------------------------------------------------------

# V=1 shows the commands
Q := $(if $(V),,@)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC asan $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -O1 -c $< -o $@

build/libspanhound.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/libspanhound.a: $(ASAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/spanhound: build/obj/appliance/main.o build/libspanhound.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

build/asan/spanhound: build/asan/appliance/main.o build/asan/libspanhound.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS)

# ---- unit tests (cmocka) --------------------------------------------

build/tests/%: build/obj/tests/unit/%.o build/libspanhound.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS) -lcmocka

build/asan/tests/%: build/asan/tests/unit/%.o build/asan/libspanhound.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS) -lcmocka

# The suites build what they can (-k) and run it; $(call not-built,TARGETS)
# sets $$nb to the TARGETS make still finds out of date afterwards (their
# compile or link failed), which the runners count as failures instead of
# running an older copy left in build/.
not-built = nb=""; for b in $(1); do \
              $(MAKE) --no-print-directory -q $$b >/dev/null 2>&1 || nb="$$nb $$b"; done

unit:
	@$(MAKE) --no-print-directory -s -k $(UNIT_BIN); \
	$(call not-built,$(UNIT_BIN)); \
	NOT_BUILT="$$nb" tests/run_unit.sh unit $(UNIT_BIN)

unit-asan:
	@$(MAKE) --no-print-directory -s -k $(UNIT_ASAN); \
	$(call not-built,$(UNIT_ASAN)); \
	NOT_BUILT="$$nb" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run_unit.sh unit-asan $(UNIT_ASAN)

# ---- fuzzing ---------------------------------------------------------

# corpus replay under gcc + ASan/UBSan: fuzz_<name>.c <-> tests/fuzz/corpus/<name>/
build/asan/fuzz/%: build/asan/tests/fuzz/%.o build/asan/tests/fuzz/replay_main.o build/asan/libspanhound.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/asan/tests/fuzz/replay_main.o: tests/fuzz/replay_main.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(SAN) -O1 -g -c $< -o $@

FUZZ_HARNESS := $(filter-out build/asan/fuzz/replay_main,$(FUZZ_REPLAY))
fuzz-replay:
	@$(MAKE) --no-print-directory -s -k $(FUZZ_HARNESS); \
	$(call not-built,$(FUZZ_HARNESS)); \
	NOT_BUILT="$$nb" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run_fuzz_replay.sh $(FUZZ_HARNESS)

# libFuzzer builds (clang): instrumented copies of the library, with their
# header dependencies (-MMD: a changed event layout rebuilds every object)
FUZZ_CFLAGS := -I. $(STD) -Wall -Wextra $(DEFS) $(PKG_CFLAGS) -g -O1 \
               -fsanitize=fuzzer-no-link,address,undefined -MMD -MP
build/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(LIB_SRC:%.c=build/fuzzobj/%.o)
	@mkdir -p $(dir $@)
	$(CLANG) $(filter-out -MMD -MP,$(FUZZ_CFLAGS)) -fsanitize=fuzzer $^ -o $@ $(LIBS)

fuzz: deps $(filter-out build/fuzz/replay_main,$(FUZZ_BIN))
	@tests/run_fuzz.sh $(FUZZ_SECONDS) $(filter-out build/fuzz/replay_main,$(FUZZ_BIN))

# ---- integration -----------------------------------------------------

regress: build/spanhound
	@tests/regress/run.sh build/spanhound

# every EVE record of every bundled and dev capture against Suricata's
# schema (tests/eve/README.md)
eve-schema: build/spanhound
	@tests/eve/run.sh build/spanhound

# Detection quality (a measurement, not in make test): the scorer's self-test,
# then every dev capture (DEV=path, default ../shared/data/dev) replayed and
# scored against its label, then the generated tune/holdout scenarios.
# Options via EVAL_ARGS, e.g. EVAL_ARGS='--only caldera --keep build/eval-eve'.
# tests/eval/eval.py exits 0 all dev expectations hold, 1 some do not, 2 harness error.
.PHONY: eval
eval: build/spanhound
	@out=$$(/usr/bin/python3 tests/eval/eval_selftest.py 2>&1) || { printf '%s\n' "$$out"; exit 2; }; \
	  printf '%s\n' "$$out" | tail -1
	@/usr/bin/python3 tests/eval/eval.py --bin build/spanhound $(if $(DEV),--dev '$(DEV)') \
	  $(if $(findstring --config,$(EVAL_ARGS))$(findstring -c ,$(EVAL_ARGS)),,--dev-feeds) $(EVAL_ARGS)

cli-test: build/spanhound build/asan/spanhound
	@tests/cli/run.sh build/spanhound build/asan/spanhound

live-test: build/spanhound
	@tests/live/run.sh build/spanhound

# SIGHUP while running: the configuration re-read, applied or reported (seconds)
reload-test: build/spanhound build/asan/spanhound
	@tests/reload/run.sh build/spanhound build/asan/spanhound

# host state across restarts: snapshots, the feed's views, SIGTERM mid-replay
# (real redis-server, sanitized build)
state-test: build/asan/spanhound
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  /usr/bin/python3 tests/state/test_restart.py build/asan/spanhound

# the health report: EVE stats, Prometheus file (promtool), Redis hash, drop lines
health-test: build/spanhound build/spanhoundctl
	@tests/health/run.sh build/spanhound build/spanhoundctl

# the Redis NAC feed against real redis-server processes (sanitized build)
redis-test: build/asan/spanhound build/asan/spanhoundctl build/asan/spanhound-nac
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  /usr/bin/python3 tests/redis/test_feed.py build/asan/spanhound

update-config: build/spanhound
	@config/update-conf.sh build/spanhound

# Regenerates what the generators own, with their documented command lines
# but into a scratch directory first: nothing changes unless every generator
# succeeds.  Expectations come from the generators (what they put in the
# packets: pcaps/decode/expected.txt), never from spanhound's output; the
# detection expectations (tests/regress/detect/*/expected.txt) are written
# by hand from the generators' design and are left alone.
GEN_PY ?= /usr/bin/python3
update-golden:
	@T=$$(mktemp -d) || exit 1; trap 'rm -rf "$$T"' EXIT; \
	echo "  GEN     pcaps/decode/*.pcap + expected.txt (tests/gen/gen_decode.py)"; \
	$(GEN_PY) tests/gen/gen_decode.py "$$T/decode" >"$$T/log" 2>&1 && \
	echo "  GEN     pcaps/decode/ipv6-ra-dhcp6.pcap (tests/gen/gen_ipv6.py)" && \
	$(GEN_PY) tests/gen/gen_ipv6.py "$$T/decode" >>"$$T/log" 2>&1 && \
	echo "  GEN     tests/regress/detect/{dga,dns_tunnel}/*.pcap (tests/gen/gen_detect.py)" && \
	$(GEN_PY) tests/gen/gen_detect.py "$$T/detect" >>"$$T/log" 2>&1 && \
	echo "  GEN     pcaps/demo/office-dga.pcap (tests/gen/gen_demo.py)" && \
	mkdir -p "$$T/demo" && $(GEN_PY) tests/gen/gen_demo.py "$$T/demo/office-dga.pcap" >>"$$T/log" 2>&1 && \
	echo "  GEN     pcaps/feed/*.pcap (tests/gen/gen_feed.py)" && \
	$(GEN_PY) tests/gen/gen_feed.py "$$T/feed" >>"$$T/log" 2>&1 && \
	echo "  GEN     tests/regress/attacks/*/ (tests/gen/gen_attacks.py)" && \
	$(GEN_PY) tests/gen/gen_attacks.py "$$T/attacks" >>"$$T/log" 2>&1 && \
	echo "  GEN     tests/regress/behaviour/*/ (tests/gen/gen_behaviour.py)" && \
	$(GEN_PY) tests/gen/gen_behaviour.py "$$T/behaviour" >>"$$T/log" 2>&1 && \
	echo "  GEN     pcaps/quic/gen-quic-versions.pcap + gen-quic-expected.txt (tests/gen/gen_quic.py)" && \
	$(GEN_PY) tests/gen/gen_quic.py "$$T/quic" >>"$$T/log" 2>&1 && \
	echo "  GEN     pcaps/exfil/*.pcap + tests/regress/exfil/*/ (tests/gen/gen_exfil.py)" && \
	$(GEN_PY) tests/gen/gen_exfil.py "$$T/exfil-pcaps" "$$T/exfil" >>"$$T/log" 2>&1 && \
	echo "  GEN     pcaps/tells/*.pcap + tests/regress/tells/*/ (tests/gen/gen_tells.py)" && \
	$(GEN_PY) tests/gen/gen_tells.py "$$T/tells-pcaps" "$$T/tells" >>"$$T/log" 2>&1 && \
	echo "  GEN     tests/regress/intel/*.pcap (tests/gen/gen_intel.py)" && \
	mkdir -p "$$T/intel" && $(GEN_PY) tests/gen/gen_intel.py "$$T/intel" >>"$$T/log" 2>&1 || \
	  { tail -20 "$$T/log"; echo "make update-golden: a generator failed; nothing was changed"; exit 1; }; \
	cp "$$T"/decode/* pcaps/decode/ && \
	cp "$$T"/detect/dga/*.pcap tests/regress/detect/dga/ && \
	cp "$$T"/detect/dns_tunnel/*.pcap tests/regress/detect/dns_tunnel/ && \
	cp "$$T"/demo/office-dga.pcap pcaps/demo/ && \
	mkdir -p pcaps/feed && cp "$$T"/feed/*.pcap pcaps/feed/ && \
	for c in "$$T"/attacks/*/; do d=tests/regress/attacks/"$$(basename "$$c")"; \
	  mkdir -p "$$d" && cp "$$c"* "$$d"/ || exit 1; done && \
	cp "$$T"/attacks/README.md tests/regress/attacks/ && \
	for c in "$$T"/behaviour/*/; do d=tests/regress/behaviour/"$$(basename "$$c")"; \
	  mkdir -p "$$d" && cp "$$c"* "$$d"/ || exit 1; done && \
	cp "$$T"/behaviour/README.md tests/regress/behaviour/ && \
	cp "$$T"/quic/gen-quic-* pcaps/quic/ && \
	mkdir -p pcaps/exfil && cp "$$T"/exfil-pcaps/*.pcap pcaps/exfil/ && \
	for c in "$$T"/exfil/*/; do d=tests/regress/exfil/"$$(basename "$$c")"; \
	  mkdir -p "$$d" && rm -f "$$d"/case.conf && cp "$$c"* "$$d"/ || exit 1; done && \
	cp "$$T"/exfil/README.md tests/regress/exfil/ && \
	mkdir -p pcaps/tells && cp "$$T"/tells-pcaps/*.pcap pcaps/tells/ && \
	for c in "$$T"/tells/*/; do d=tests/regress/tells/"$$(basename "$$c")"; \
	  mkdir -p "$$d" && cp "$$c"* "$$d"/ || exit 1; done && \
	cp "$$T"/tells/README.md tests/regress/tells/ && \
	cp "$$T"/intel/*.pcap tests/regress/intel/ || { echo "make update-golden: copy failed"; exit 1; }; \
	echo "changed (review before committing):"; \
	git status --short -- pcaps/decode pcaps/demo pcaps/feed pcaps/quic pcaps/exfil pcaps/tells tests/regress/detect \
	  tests/regress/attacks tests/regress/behaviour tests/regress/exfil tests/regress/tells tests/regress/intel 2>/dev/null || true

# Every suite runs even when another fails; tests/summarize.sh prints the
# total and gives the exit status.  A suite that appends no result line
# (it did not build, or its runner died before reporting) is recorded here
# as one failure, and so is a suite whose make fails while its lines count
# no failure.
TEST_SUITES := unit unit-asan fuzz-replay regress eve-schema cli-test reload-test live-test redis-test state-test ctl-test nac-test health-test package-lint
# CI (.ci/run) adds the package test: make deb, then the .deb installed in a
# clean debootstrap bookworm root and its unit started under systemd-nspawn
# (~6 min from a cold cache, so not part of a developer's make test)
ifeq ($(SPANHOUND_PACKAGE_TEST),1)
TEST_SUITES += package-test
endif
test: deps
	@R=build/test-results.txt; mkdir -p build; : > $$R; \
	echo "== build"; \
	$(MAKE) --no-print-directory all || echo "build 0 1 0 build/spanhound did not build" >> $$R; \
	for t in $(TEST_SUITES); do \
	  echo "== $$t"; n=$$(wc -l < $$R); \
	  $(MAKE) --no-print-directory $$t; rc=$$?; \
	  if [ $$(wc -l < $$R) -eq $$n ]; then \
	    echo "$$t 0 1 0 did not build, or stopped before reporting (make $$t: exit $$rc)" >> $$R; \
	  elif [ $$rc -ne 0 ] && tail -n +$$((n + 1)) $$R | awk '$$3 != 0 {f = 1} END {exit f}'; then \
	    echo "$$t 0 1 0 make $$t: exit $$rc, but no failure reported" >> $$R; \
	  fi; \
	done; \
	echo "== summary"; tests/summarize.sh $$R

demo: deps
	@$(MAKE) --no-print-directory all
	@appliance/demo.sh build/spanhound

# every trust rule removed in turn must make a test fail (~15 min; not in make test)
mutants: deps
	@tests/mutants/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@tests/bench/run.sh build/spanhound
	@$(MAKE) --no-print-directory bench-ioc

# the feed store at 1M entries: load time, memory, lookups/s (docs/performance.md)
.PHONY: bench-ioc
build/ioc_bench: build/obj/tests/bench/ioc_bench.o build/libspanhound.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

bench-ioc: build/ioc_bench
	@mkdir -p build/bench && build/ioc_bench build/bench/ioc

clean:
	rm -rf build

.SECONDARY:

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d)
-include $(UNIT_SRC:tests/unit/%.c=build/obj/tests/unit/%.d)
-include $(UNIT_SRC:tests/unit/%.c=build/asan/tests/unit/%.d)
-include $(FUZZ_SRC:tests/fuzz/%.c=build/asan/tests/fuzz/%.d)
-include build/obj/appliance/main.d build/asan/appliance/main.d
-include $(LIB_SRC:%.c=build/fuzzobj/%.d)

# ---- spanhoundctl: the operator's tool for the Redis feed -------------
# (docs/nac-feed.md, section "spanhoundctl"); jansson for this binary only.
CTL_SRC    := $(wildcard appliance/ctl/*.c)
CTL_PKG_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
CTL_PKG_LIBS   := $(shell pkg-config --libs jansson 2>/dev/null)
.PHONY: ctl-test
all: build/spanhoundctl

build/obj/appliance/ctl/%.o build/asan/appliance/ctl/%.o: ALL_CFLAGS += $(CTL_PKG_CFLAGS)

build/spanhoundctl: $(CTL_SRC:%.c=build/obj/%.o) build/libspanhound.a
	$(CC) $(CFLAGS) -o $@ $^ $(CTL_PKG_LIBS) $(LIBS)

build/asan/spanhoundctl: $(CTL_SRC:%.c=build/asan/%.o) build/asan/libspanhound.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(CTL_PKG_LIBS) $(LIBS)

# Runs against a private redis-server (tests/lib/redis.sh); the hostile
# data cases run the ASan/UBSan build.
ctl-test: build/spanhoundctl build/asan/spanhoundctl
	@tests/ctl/run.sh build/spanhoundctl build/asan/spanhoundctl

-include $(CTL_SRC:%.c=build/obj/%.d) $(CTL_SRC:%.c=build/asan/%.d)

# ---- NAC bridges (issue 8): build/spanhound-nac, make nac-test ----------
# One binary, appliance/nac/*.c, linked with the library plus libcurl and
# jansson (only this binary links them).  docs/nac-bridges.md.
NAC_SRC   := $(wildcard appliance/nac/*.c)
NAC_PKGS  := libcurl jansson
NAC_CFLAGS := $(shell pkg-config --cflags $(NAC_PKGS) 2>/dev/null)
NAC_LIBS  := $(shell pkg-config --libs $(NAC_PKGS) 2>/dev/null)

build/obj/appliance/nac/%.o: appliance/nac/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(NAC_CFLAGS) -c $< -o $@

build/asan/appliance/nac/%.o: appliance/nac/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC asan $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(NAC_CFLAGS) $(SAN) -O1 -c $< -o $@

build/spanhound-nac: $(NAC_SRC:%.c=build/obj/%.o) build/libspanhound.a
	$(CC) $(CFLAGS) -o $@ $^ $(NAC_LIBS) $(LIBS)

build/asan/spanhound-nac: $(NAC_SRC:%.c=build/asan/%.o) build/asan/libspanhound.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(NAC_LIBS) $(LIBS)

all: build/spanhound-nac
.PHONY: nac-test
nac-test: build/spanhound-nac build/asan/spanhound-nac
	@tests/nac/run.sh build/spanhound-nac build/asan/spanhound-nac

-include $(NAC_SRC:%.c=build/obj/%.d) $(NAC_SRC:%.c=build/asan/%.d)

# ---- make install, make deb, package tests (issue 9) --------------------
# appliance/install.mk; docs/appliance.md.
include appliance/install.mk
