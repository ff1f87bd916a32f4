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
            -O2 -g -Wall -Wextra -Werror -MMD -MP \
            -Ikernel -Ikernel/arch/x86_64 -Ikernel/fs -Iinclude
UCFLAGS  := -static -O2 -g -Wall -Wextra -Werror -Iinclude -Iuser/lib
HCFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
            -DHOST_TEST -Ikernel -Ikernel/arch/x86_64 -Ikernel/fs -Iinclude

KSRC     := $(wildcard kernel/*.c kernel/fs/*.c kernel/arch/x86_64/*.c)
KASM     := $(wildcard kernel/arch/x86_64/*.S)
KOBJ     := $(patsubst %,$(BUILD)/%.o,$(KSRC) $(KASM))
USRC     := $(wildcard user/*.c)
ULIB     := $(wildcard user/lib/*.c)
ULIBA    := $(BUILD)/ulib/libprocyon.a
GSRC     := $(wildcard tests/guest/*.c)
GLIB     := $(wildcard tests/guest/lib/*.c)
UPROGS   := $(patsubst user/%.c,$(BUILD)/user/%,$(USRC)) $(patsubst tests/guest/%.c,$(BUILD)/user/%,$(GSRC))
HTESTS   := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))

EXTRA    ?=
INIT     ?=
APPEND   ?=
QEMUFLAGS := -accel tcg -m 256M -no-reboot -display none -monitor none \
             -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: all deps run check check-host bench demo debug fuzz clean format
all: $(BUILD)/kernel.elf $(BUILD)/initfs.img

deps:
	@tools/deps

$(BUILD)/kernel.elf: $(KOBJ) kernel/arch/x86_64/linker.ld
	$(LD) -n -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T kernel/arch/x86_64/linker.ld -o $@ $(KOBJ)

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

$(ULIBA): $(patsubst user/lib/%.c,$(BUILD)/ulib/%.o,$(ULIB))
	@mkdir -p $(dir $@)
	ar rcs $@ $^

$(BUILD)/user/%: user/%.c $(ULIBA) $(wildcard user/lib/*.h include/procyon/*.h) | deps-musl
	@mkdir -p $(dir $@)
	$(MUSLCC) $(UCFLAGS) $< $(ULIBA) -o $@

# In-guest test suites (tests/guest/NAME.c, one suite each) are built like
# the user programs and land in /bin beside them; tests/guest/lib/ is their
# shared code.
$(BUILD)/user/%: tests/guest/%.c $(ULIBA) $(GLIB) $(wildcard user/lib/*.h tests/guest/lib/*.h include/procyon/*.h) | deps-musl
	@mkdir -p $(dir $@)
	$(MUSLCC) $(UCFLAGS) -Itests/guest/lib $< $(GLIB) $(ULIBA) -o $@

$(BUILD)/tools/mkinitfs: tools/mkinitfs.c include/procyon/initfs.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -Iinclude $< -o $@

$(BUILD)/initfs.img: $(UPROGS) $(BUILD)/tools/mkinitfs FORCE
	$(BUILD)/tools/mkinitfs $@.tmp $(BUILD)/user=/bin $(if $(EXTRA),$(EXTRA)=/extra) && \
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

check-host: $(HTESTS)
	@for t in $(HTESTS); do echo "== $$t"; $$t || true; done

check: deps all $(HTESTS)
	@tools/run-tests

# The syscall fuzzer (tests/guest/fuzz.c) booted as init's program:
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

format:
	clang-format -i $(KSRC) $(USRC) $(ULIB) $(wildcard kernel/*.h kernel/*/*.h kernel/arch/x86_64/*.h include/procyon/*.h user/lib/*.h tests/host/*.[ch] tools/*.c)

clean:
	rm -rf $(BUILD)

-include $(KOBJ:.o=.d)
