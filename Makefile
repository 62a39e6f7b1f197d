# SPDX-License-Identifier: GPL-3.0-or-later
# shellwire: one non-recursive Makefile for every program, test and tool.
#
#   make                 build every program into build/bin/
#   make SANITIZE=1      the same with ASan + UBSan, into build/san/
#   make check           set up, build with sanitizers and -Werror, run all tests
#   make demo            set up, build, run every example live
#   make bench           benchmarks (never part of check)
#   make install PREFIX=/usr/local DESTDIR=...  (programs and man pages)
#   make lab / make lab-down   the Docker lab (playground/lab up / down)
#
# A new program is one .c file (or a folder of .c files, for a server)
# plus one word in PROGRAMS.

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
PYTHON   ?= /usr/bin/python3

PROGRAMS := \
	shell/shell \
	telnet_tools/telnet_login \
	telnet_tools/telnet_codes \
	telnet_tools/telnet_server \
	ssh_tools/ssh_simple \
	ssh_tools/ssh_commands \
	ssh_tools/ssh_threads \
	ssh_tools/sftp_get \
	ssh_tools/ssh_server \
	ssh_tools/ssh_cat \
	ssh_tools/ssh_inspect

# Project flags live apart from the user's CFLAGS, so `make CFLAGS=-O0`
# keeps the warnings.
STD_FLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN_FLAGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wimplicit-fallthrough -Wwrite-strings \
	-Wundef -Wvla
CFLAGS   ?= -O2 -g
PKGS     := readline libtelnet libssh2 libssh libcrypt
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# readline.pc does not name its own library on Debian 12.
LIBS     := $(PKG_LIBS) -lreadline -lutil -lpthread
ALL_CFLAGS  = $(STD_FLAGS) $(WARN_FLAGS) -I. $(PKG_CFLAGS) \
	-DSHELLWIRE_VERSION='"$(VERSION)"' $(SAN_FLAGS) $(ERR_FLAGS) $(CFLAGS)
# Each program links only the libraries it really calls.
ALL_LDFLAGS = -Wl,--as-needed $(SAN_FLAGS) $(LDFLAGS)

# Everything is written under BUILD_ROOT (default build/).
BUILD_ROOT ?= build
ifeq ($(FUZZ),1)
# libFuzzer targets: clang only, objects instrumented for coverage.
BUILD     := $(BUILD_ROOT)/fuzz
CC        := clang
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -g
else ifeq ($(SANITIZE),1)
BUILD     := $(BUILD_ROOT)/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g
else
BUILD     := $(BUILD_ROOT)
endif
ifeq ($(WERROR),1)
ERR_FLAGS := -Werror
endif

ifneq ($(V),1)
Q  = @
QCC = @printf '  CC      %s\n' $<;
QLD = @printf '  LD      %s\n' $@;
QAR = @printf '  AR      %s\n' $@;
endif

BIN        := $(BUILD)/bin
# A program is PROG.c, or every .c file in the folder PROG/.
prog_src    = $(wildcard $(1).c $(1)/*.c)
prog_obj    = $(patsubst %.c,$(BUILD)/obj/%.o,$(call prog_src,$(1)))
PROGRAM_SRC := $(foreach p,$(PROGRAMS),$(call prog_src,$(p)))
# Three libraries, arrows pointing down: a family's code (the .c files of
# telnet_tools/ or ssh_tools/ that are no program) and common/, which both
# families use.  A program links its own family's and common/.
COMMON_SRC := $(sort $(wildcard common/*.c))
TELNET_SRC := $(sort $(filter-out $(PROGRAM_SRC),$(wildcard telnet_tools/*.c)))
SSH_SRC    := $(sort $(filter-out $(PROGRAM_SRC),$(wildcard ssh_tools/*.c)))
COMMON_LIB := $(BUILD)/lib/common.a
TELNET_LIB := $(BUILD)/lib/telnet_tools.a
SSH_LIB    := $(BUILD)/lib/ssh_tools.a
LIB_SRC    := $(COMMON_SRC) $(TELNET_SRC) $(SSH_SRC)
family_lib  = $(if $(filter telnet_tools/%,$(1)),$(TELNET_LIB)) \
	$(if $(filter ssh_tools/%,$(1)),$(SSH_LIB))
# Tests and benchmarks may use any of the three.
ALL_LIBS   := $(TELNET_LIB) $(SSH_LIB) $(COMMON_LIB)
BINS       := $(foreach p,$(PROGRAMS),$(BIN)/$(notdir $(p)))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Fuzz targets: tests/fuzz/fuzz_NAME.c; one that needs code from a program
# folder names it as FUZZ_EXTRA_fuzz_NAME := folder/file.c ...
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzzers/%)
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 65536
# Benchmark helpers in C (load generators, proxies): bench/NAME.c.
BENCH_SRC  := $(sort $(wildcard bench/*.c))
BENCH_BINS := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

FUZZ_EXTRA_fuzz_tracemsg := ssh_tools/ssh_server/tracemsg.c \
	ssh_tools/ssh_server/tracechan.c ssh_tools/ssh_server/tracewire.c
FUZZ_EXTRA_fuzz_telnet_session := telnet_tools/telnet_server/negotiate.c \
	telnet_tools/telnet_server/prefilter.c telnet_tools/telnet_server/login.c

# Keep objects that only a pattern rule names.
.SECONDARY:

.PHONY: all check house unit unit-bins integration compile-only demo \
	playground figures bench bench-bins fuzz fuzz-bins lint format install \
	uninstall clean deps
all: $(BINS)

define link_program
$(BIN)/$(notdir $(1)): $(call prog_obj,$(1)) $(call family_lib,$(1)) \
		$(COMMON_LIB)
	@mkdir -p $$(@D)
	$$(QLD)$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(LIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call link_program,$(p))))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(QCC)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

lib_obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
$(COMMON_LIB): $(call lib_obj,$(COMMON_SRC))
$(TELNET_LIB): $(call lib_obj,$(TELNET_SRC))
$(SSH_LIB): $(call lib_obj,$(SSH_SRC))
$(ALL_LIBS):
	@mkdir -p $(@D)
	$(QAR)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(ALL_LIBS)
	@mkdir -p $(@D)
	$(QLD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) -lcmocka

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(ALL_LIBS)
	@mkdir -p $(@D)
	$(QLD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# (A function, so that its % is not taken for the pattern rule's stem.)
fuzz_extra_obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(FUZZ_EXTRA_$(1)))
.SECONDEXPANSION:
$(BUILD)/fuzzers/%: $(BUILD)/obj/tests/fuzz/%.o \
		$$(call fuzz_extra_obj,$$*) $(ALL_LIBS)
	@mkdir -p $(@D)
	$(QLD)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# Set-up: install the Debian packages that are missing (says what it does).
deps:
	$(Q)scripts/install-deps.sh

# The README's test command: sanitizers, -Werror, unit + integration +
# lesson transcripts.  Runs as root in CI with no stdin.
check: deps
	$(Q)$(MAKE) --no-print-directory house
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 WERROR=1 all unit-bins
	$(Q)$(MAKE) --no-print-directory CC=clang WERROR=1 compile-only
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 unit integration
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

unit-bins: $(UNIT_BINS)

# The house rules: no circles, includes pointing down, lessons naming only
# functions that exist, files of at most 300 lines (ARCHITECTURE.md).
house:
	$(Q)$(PYTHON) scripts/check-house.py

unit: $(UNIT_BINS)
	$(Q)scripts/run-unit-tests.sh $(UNIT_BINS)

integration:
	$(Q)SHELLWIRE_BIN=$(abspath $(BIN)) $(PYTHON) -m pytest -q -rs \
		tests/integration

# Each fuzz target for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=600), inputs up
# to FUZZ_MAX_LEN bytes, from its seeds in tests/fuzz/seeds/NAME.
fuzz: deps
	$(Q)$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	$(Q)FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) scripts/run-fuzzers.sh $(FUZZ_SECONDS) \
		$(FUZZ_SRC:tests/fuzz/%.c=$(BUILD_ROOT)/fuzz/fuzzers/%)

fuzz-bins: $(FUZZ_BINS)

# Warning check with a second compiler: compile every source, link nothing.
compile-only:
	$(Q)if command -v $(CC) >/dev/null; then \
		for f in $(LIB_SRC) $(PROGRAM_SRC) \
			$(UNIT_SRC) $(wildcard bench/*.c); do \
			$(CC) $(ALL_CFLAGS) -fsyntax-only $$f || exit 1; \
		done; echo "  $(CC): every source compiles warning-clean"; \
	else echo "  $(CC) not installed: second-compiler check skipped"; fi

# The lessons' committed figures, redrawn by the programs themselves.
figures: all
	$(Q)$(PYTHON) scripts/lesson_figures.py $(abspath $(BIN))

# Sub-makes, so that pkg-config runs again after deps installed packages.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(PYTHON) scripts/demo.py $(abspath $(BIN))

playground: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(PYTHON) scripts/playground.py $(abspath $(BIN))

bench: deps
	$(Q)$(MAKE) --no-print-directory all bench-bins
	$(Q)bench/run.sh $(abspath $(BIN))

bench-bins: $(BENCH_BINS)

lint:
	$(Q)scripts/lint.sh

format:
	$(Q)clang-format -i $(LIB_SRC) $(PROGRAM_SRC) $(UNIT_SRC) \
		$(wildcard common/*.h telnet_tools/*.h ssh_tools/*.h)

install: all man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(MANS) $(DESTDIR)$(PREFIX)/share/man/man1/

uninstall:
	rm -f $(foreach p,$(PROGRAMS),$(DESTDIR)$(PREFIX)/bin/$(notdir $(p)))
	rm -f $(foreach p,$(PROGRAMS),\
		$(DESTDIR)$(PREFIX)/share/man/man1/$(notdir $(p)).1)

clean:
	rm -rf $(BUILD_ROOT)

# Man pages: one per program, generated from its --help by help2man.
MANS := $(foreach p,$(PROGRAMS),$(BUILD)/man/$(notdir $(p)).1)
.PHONY: man lab lab-down
man: $(MANS)

$(BUILD)/man/%.1: $(BIN)/% scripts/man-page.sh
	@mkdir -p $(@D)
	$(Q)scripts/man-page.sh $< $@

# The Docker lab: build, start and wait for every host; then stop it.
lab:
	$(Q)playground/lab up

lab-down:
	$(Q)playground/lab down
