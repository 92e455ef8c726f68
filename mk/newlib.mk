# newlib for the PV guest kernel (pvguest/), built once into $(BUILD)/newlib/.
#
# Debian's newlib-source ships the tarball; the host gcc builds it for an
# x86_64-elf "target" (see docs/toolchain-facts in the team notes, and
# docs/guest-kernel.md).  -mcmodel=large makes every relocation absolute
# 64-bit, so the libraries link at any guest address.  -UMISSING_SYSCALL_NAMES
# undoes the define configure adds for *-elf, so libc calls _write, _sbrk ...
# (our pvguest/libc glue) instead of write, sbrk.  A stamp file marks a
# finished install; later builds reuse it (a clean build costs ~2.5 minutes).

NEWLIB_TAR := /usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_DIR := $(BUILD)/newlib
NEWLIB_STAMP := $(NEWLIB_DIR)/.installed
NEWLIB_PREFIX := $(abspath $(NEWLIB_DIR)/install)
NEWLIB_INC := $(NEWLIB_PREFIX)/x86_64-elf/include
NEWLIB_LIB := $(NEWLIB_PREFIX)/x86_64-elf/lib
NEWLIB_CFLAGS := -O2 -g -ffreestanding -mno-red-zone -fno-pic -fno-pie -mcmodel=large \
	-fno-stack-protector -fno-asynchronous-unwind-tables -UMISSING_SYSCALL_NAMES \
	-nostdinc -isystem $(shell gcc -print-file-name=include)
NEWLIB_TOOLS := CC_FOR_TARGET=gcc AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib AS_FOR_TARGET=as \
	LD_FOR_TARGET=ld NM_FOR_TARGET=nm OBJCOPY_FOR_TARGET=objcopy OBJDUMP_FOR_TARGET=objdump \
	STRIP_FOR_TARGET=strip READELF_FOR_TARGET=readelf

$(NEWLIB_STAMP): mk/newlib.mk | $(DEPS_STAMP)
	$(if $(Q),@echo "  NEWLIB  $(NEWLIB_DIR) (once, a few minutes)")
	$(Q)rm -rf $(NEWLIB_DIR)/src $(NEWLIB_DIR)/obj && mkdir -p $(NEWLIB_DIR)/obj
	$(Q)tar -C $(NEWLIB_DIR) -xJf $(NEWLIB_TAR) && mv $(NEWLIB_DIR)/newlib-salsa $(NEWLIB_DIR)/src
	$(Q)cd $(NEWLIB_DIR)/obj && $(abspath $(NEWLIB_DIR))/src/configure --target=x86_64-elf \
		--prefix=$(NEWLIB_PREFIX) --disable-multilib --disable-newlib-supplied-syscalls \
		--disable-nls --enable-newlib-io-long-long --enable-newlib-io-c99-formats \
		$(NEWLIB_TOOLS) CFLAGS_FOR_TARGET="$(NEWLIB_CFLAGS)" >../configure.log 2>&1 \
		|| { tail -20 ../configure.log; exit 1; }
	$(Q)$(MAKE) -C $(NEWLIB_DIR)/obj all-target-newlib >$(NEWLIB_DIR)/build.log 2>&1 \
		|| { tail -30 $(NEWLIB_DIR)/build.log; exit 1; }
	$(Q)$(MAKE) -C $(NEWLIB_DIR)/obj install-target-newlib >$(NEWLIB_DIR)/install.log 2>&1 \
		|| { tail -30 $(NEWLIB_DIR)/install.log; exit 1; }
	$(Q)rm -rf $(NEWLIB_DIR)/src $(NEWLIB_DIR)/obj
	$(Q)touch $@

.PHONY: newlib
newlib: $(NEWLIB_STAMP)
