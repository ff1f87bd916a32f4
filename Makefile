# Procyon build. `make` builds the kernel and the root filesystem image;
# `make run` boots them; `make check` runs every test; `make bench` measures.
# Missing Debian packages are installed by tools/deps (or it prints the
# apt-get line to run when not root).

CC       := gcc
MUSLCC   := musl-gcc
LD       := ld
QEMU     := qemu-system-x86_64
BUILD    ?= build

KCFLAGS  := -std=gnu11 -ffreestanding -nostdlib -mno-red-zone -mcmodel=kernel \
            -mgeneral-regs-only -mpreferred-stack-boundary=3 -fno-pic -fno-pie -fno-stack-protector \
            -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
            -O2 -g -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -MMD -MP \
            -Ikernel -Ikernel/arch/x86_64 -Ikernel/fs -Iinclude
UCFLAGS  := -static -O2 -g -Wall -Wextra -Werror -Iinclude -Iuser/lib
HCFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
            -DHOST_TEST -Ikernel -Ikernel/arch/x86_64 -Ikernel/fs -Iinclude

KSRC     := $(wildcard kernel/*.c kernel/fs/*.c kernel/arch/x86_64/*.c)
KASM     := $(wildcard kernel/arch/x86_64/*.S)
KOBJ     := $(patsubst %,$(BUILD)/%.o,$(KSRC) $(KASM))
USRC     := $(wildcard user/*.c)
# A program of several files: user/NAME/*.c (and its headers) into /bin/NAME.
UDIRS    := $(filter-out lib,$(patsubst user/%/,%,$(sort $(dir $(wildcard user/*/*.c)))))
UDSRC    := $(foreach d,$(UDIRS),$(wildcard user/$(d)/*.c))
UDHDR    := $(foreach d,$(UDIRS),$(wildcard user/$(d)/*.h))
ULIB     := $(wildcard user/lib/*.c)
ULIBA    := $(if $(ULIB),$(BUILD)/ulib/libprocyon.a)
# In-guest suites: tests/guest/NAME.c (a suite in one file) or
# tests/guest/NAME/*.c (a suite of area files and its main.c), each built
# into /bin/NAME with tests/guest/lib/*.c. Fixtures: programs the host-side
# tests run in the guest, kept beside those tests, also in /bin.
GSRC     := $(wildcard tests/guest/*.c)
GDIRS    := $(filter-out lib,$(patsubst tests/guest/%/,%,$(sort $(dir $(wildcard tests/guest/*/*.c)))))
GDSRC    := $(foreach d,$(GDIRS),$(wildcard tests/guest/$(d)/*.c))
GLIB     := $(wildcard tests/guest/lib/*.c)
GHDR     := $(wildcard tests/guest/lib/*.h tests/guest/*/*.h)
FIXTURES := tests/gdb/gdbtarget.c tests/gdb/gdbparity.c tests/gdb/gdbthreads.c tests/demo/demo.c
UPROGS   := $(patsubst user/%.c,$(BUILD)/user/%,$(USRC)) $(patsubst %,$(BUILD)/user/%,$(UDIRS)) $(patsubst tests/guest/%.c,$(BUILD)/user/%,$(GSRC)) \
            $(patsubst %,$(BUILD)/user/%,$(GDIRS)) $(patsubst %.c,$(BUILD)/user/%,$(notdir $(FIXTURES)))
HTESTS   := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))

EXTRA    ?=
INIT     ?=
APPEND   ?=
QEMUFLAGS := -accel tcg -m 256M -no-reboot -display none -monitor none \
             -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: all deps run check check-host bench demo debug qemu-gdb compdb fuzz clean format lint
all: $(BUILD)/kernel.elf $(BUILD)/initfs.img

deps:
	@tools/deps

$(BUILD)/kernel.elf: $(KOBJ) $(BUILD)/linker.ld
	$(LD) -n -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T $(BUILD)/linker.ld -o $@ $(KOBJ)

# The link map shares layout.h with C and assembly.
$(BUILD)/linker.ld: kernel/arch/x86_64/kernel.lds kernel/arch/x86_64/layout.h
	@mkdir -p $(dir $@)
	@$(CC) -E -P -x c -D__ASSEMBLER__ -DLINKER_SCRIPT -Ikernel/arch/x86_64 $< -o $@

$(BUILD)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/ulib/%.o: user/lib/%.c $(wildcard user/lib/*.h include/procyon/*.h) | deps-musl
	@mkdir -p $(dir $@)
	$(MUSLCC) $(UCFLAGS) -c $< -o $@

ifneq ($(ULIB),)
$(ULIBA): $(patsubst user/lib/%.c,$(BUILD)/ulib/%.o,$(ULIB))
	@mkdir -p $(dir $@)
	ar rcs $@ $^
endif

$(BUILD)/user/%: user/%.c $(ULIBA) $(wildcard user/lib/*.h include/procyon/*.h) | deps-musl
	@mkdir -p $(dir $@)
	$(MUSLCC) $(UCFLAGS) $< $(ULIBA) -o $@

define user_dir_prog
$(BUILD)/user/$(1): $(wildcard user/$(1)/*.c user/$(1)/*.h) $(ULIBA) $(wildcard user/lib/*.h include/procyon/*.h) | deps-musl
	@mkdir -p $$(dir $$@)
	$(MUSLCC) $(UCFLAGS) -Iuser/$(1) $(wildcard user/$(1)/*.c) $(ULIBA) -o $$@
endef
$(foreach d,$(UDIRS),$(eval $(call user_dir_prog,$(d))))

# In-guest test suites (see GSRC, GDIRS above) land in /bin beside the user
# programs; tests/guest/lib/ is their shared code (the runner, guest.h).
GUEST_CC = $(MUSLCC) $(UCFLAGS) -Itests/guest/lib $(1) $(GLIB) $(ULIBA) -o $@
$(BUILD)/user/%: tests/guest/%.c $(ULIBA) $(GLIB) $(GHDR) $(wildcard include/procyon/*.h) | deps-musl
	@mkdir -p $(dir $@)
	$(call GUEST_CC,$<)

define guest_suite
$(BUILD)/user/$(1): $(wildcard tests/guest/$(1)/*.c) $(ULIBA) $(GLIB) $(GHDR) $(wildcard include/procyon/*.h) | deps-musl
	@mkdir -p $$(dir $$@)
	$$(call GUEST_CC,-Itests/guest/$(1) $(wildcard tests/guest/$(1)/*.c))
endef
$(foreach d,$(GDIRS),$(eval $(call guest_suite,$(d))))

# The parity sessions run these binaries on the host too: -O0, no ulib.
$(BUILD)/user/gdbparity $(BUILD)/user/gdbthreads: $(BUILD)/user/%: tests/gdb/%.c | deps-musl
	@mkdir -p $(dir $@)
	$(MUSLCC) -static -O0 -g -Wall -Wextra -Werror $< -o $@

$(BUILD)/user/%: tests/gdb/%.c $(ULIBA) | deps-musl
	@mkdir -p $(dir $@)
	$(MUSLCC) $(UCFLAGS) $< $(ULIBA) -o $@

$(BUILD)/user/%: tests/demo/%.c $(ULIBA) | deps-musl
	@mkdir -p $(dir $@)
	$(MUSLCC) $(UCFLAGS) $< $(ULIBA) -o $@

$(BUILD)/tools/mkinitfs: tools/mkinitfs.c include/procyon/initfs.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -Iinclude $< -o $@

$(BUILD)/initfs.img: $(UPROGS) $(BUILD)/tools/mkinitfs FORCE
	$(BUILD)/tools/mkinitfs $@.tmp $(BUILD)/user=/bin rootfs/etc=/etc $(if $(EXTRA),$(EXTRA)=/extra) && \
	  (cmp -s $@.tmp $@ || mv $@.tmp $@); rm -f $@.tmp

$(BUILD)/host/%: tests/host/%.c $(wildcard kernel/*.c kernel/*.h kernel/fs/*.c kernel/fs/*.h tests/host/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $< -o $@

deps-musl:
	@command -v $(MUSLCC) >/dev/null || tools/deps
.PHONY: deps-musl FORCE

# Boot into the shell (or INIT=program). Quit QEMU with Ctrl-A then X.
run: deps all
	@echo "Procyon: serial console on this terminal. Quit with Ctrl-A then X."
	@$(QEMU) $(QEMUFLAGS) -serial mon:stdio -kernel $(BUILD)/kernel.elf \
	  -initrd $(BUILD)/initfs.img -append "$(if $(INIT),init=$(INIT)) $(APPEND)"; \
	  s=$$?; if [ $$((s % 2)) -eq 1 ]; then exit $$(( (s - 1) / 2 )); else exit $$s; fi

# Debug PROG (a path inside Procyon, e.g. /bin/gdbtarget) with the host's
# GDB: gdbserver serves it on COM2, which QEMU puts on localhost:$(GDBPORT).
PROG    ?= /bin/gdbtarget
GDBPORT ?= 1234
debug: deps all
	@echo "Procyon: gdbserver runs $(PROG); in another terminal:"
	@echo "  gdb build/user/$(notdir $(PROG)) -ex 'target remote localhost:$(GDBPORT)'"
	@echo "Quit QEMU with Ctrl-A then X."
	@$(QEMU) $(QEMUFLAGS) -serial mon:stdio -serial tcp:127.0.0.1:$(GDBPORT),server=on,wait=off \
	  -kernel $(BUILD)/kernel.elf -initrd $(BUILD)/initfs.img \
	  -append "init=/bin/gdbserver init_args=$(PROG) $(APPEND)"

# Debug the kernel itself: QEMU's gdbstub on localhost:$(GDBPORT), paused at
# the first instruction; tools/gdb/procyon.py adds procs, proc-frame, runq.
qemu-gdb: deps all
	@echo "Procyon: kernel paused for GDB. In another terminal:"
	@echo "  gdb $(BUILD)/kernel.elf -x tools/gdb/procyon.py -ex 'target remote localhost:$(GDBPORT)'"
	@echo "Quit QEMU with Ctrl-A then X."
	@$(QEMU) $(QEMUFLAGS) -serial mon:stdio -gdb tcp:127.0.0.1:$(GDBPORT) -S \
	  -kernel $(BUILD)/kernel.elf -initrd $(BUILD)/initfs.img -append "$(if $(INIT),init=$(INIT)) $(APPEND)"

# compile_commands.json for clangd and friends, from the flags above.
compdb:
	@tools/compdb "$(KCFLAGS)" "$(UCFLAGS)" "$(HCFLAGS)" -- $(KSRC) $(KASM) -- $(USRC) $(UDSRC) $(ULIB) $(GSRC) $(GLIB) -- $(wildcard tests/host/test_*.c) > compile_commands.json
	@echo "wrote compile_commands.json"

check-host: $(HTESTS)
	@fail=0; for t in $(HTESTS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

# make check T=name[,name...]: only the in-guest suites holding those tests
# or areas, running just them; SUITE=part[,part...]: only those parts
# (host, kernel, busybox, strace, gdb, or an in-guest suite). See docs/conventions.md.
T       ?=
SUITE   ?=
check: deps all $(HTESTS)
	@T="$(T)" SUITE="$(SUITE)" tools/run-tests

# The syscall fuzzer (tests/guest/fuzz/) booted as init's program:
# make fuzz SEED=N ITER=M [NPROC=8] [VERBOSE=1]; prints a summary.
# REPLAY=R,W replays worker W of round R alone, every call printed.
SEED    ?= 1
ITER    ?= 100000
NPROC   ?= 8
VERBOSE ?= 0
REPLAY  ?=
fuzz: deps all
	@REPLAY=$(REPLAY) tools/run-fuzz $(SEED) $(ITER) $(NPROC) $(VERBOSE)

bench: deps all
	@tools/run-bench

demo: deps all
	@tools/run-demo

FMTSRC := $(KSRC) $(USRC) $(UDSRC) $(UDHDR) $(ULIB) $(wildcard kernel/*.h kernel/*/*.h kernel/arch/x86_64/*.h include/procyon/*.h user/lib/*.h tests/host/*.[ch] $(GSRC) $(GDSRC) $(GLIB) $(GHDR) $(FIXTURES) tools/*.c)
format:
	clang-format -i $(FMTSRC)

# Static checks (tools/lint): cppcheck and clang's analyser over the kernel
# and the user programs, clang-format --dry-run over FMTSRC. clang gets the
# build's flags less the gcc-only ones.
lint:
	@tools/deps lint
	@LINT_KSRC="$(KSRC)" LINT_USRC="$(USRC) $(UDSRC) $(ULIB) $(GSRC) $(GDSRC) $(GLIB) $(FIXTURES)" LINT_FMT="$(FMTSRC)" \
	  LINT_KFLAGS="$(filter-out -MMD -MP -mpreferred-stack-boundary=%,$(KCFLAGS))" \
	  LINT_UFLAGS="$(filter-out -static,$(UCFLAGS)) -Itests/guest/lib $(patsubst %,-Itests/guest/%,$(GDIRS)) $(patsubst %,-Iuser/%,$(UDIRS))" BUILD=$(BUILD) tools/lint

clean:
	rm -rf $(BUILD)

-include $(KOBJ:.o=.d)
