# The hypervisor image: boot/multiboot2/ and everything under kernel/.
#
# Code runs at 0xFFFF82D080000000 + physical load address (Xen's layout), far
# from the top 2 GiB, so it is compiled position-independent (-fpie: every
# access is RIP-relative) and linked at a fixed address (-no-pie).  No SSE in
# the hypervisor: guest FPU state is switched lazily by the context switch.

HV_CC := gcc
HV_LD := ld
HV_ARCH := x86_64

HV_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin-printf \
	-mno-red-zone -mgeneral-regs-only -fpie -fno-plt \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -fno-strict-aliasing -fcf-protection=none \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-nostdinc -isystem $(shell $(HV_CC) -print-file-name=include) \
	-Ikernel/include -Ikernel/arch/$(HV_ARCH)/include \
	-DHOSPES_VERSION='"$(HOSPES_VERSION)"' -MMD -MP
HV_ASFLAGS := $(filter-out -std=gnu11,$(HV_CFLAGS)) -D__ASSEMBLY__

HV_SRCS := $(sort $(shell find boot/multiboot2 kernel -name '*.c' -o -name '*.S' 2>/dev/null))
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))
HV_LDS  := kernel/arch/$(HV_ARCH)/hospes.lds

HV_ELF := $(BUILD)/hospes.elf
HV_BIN := $(BUILD)/hospes.bin

.PHONY: hypervisor
hypervisor: $(HV_ELF) $(HV_BIN)

$(BUILD)/hv/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(HV_CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  AS      $<")
	$(Q)$(HV_CC) $(HV_ASFLAGS) -c $< -o $@

# Linked three times: pass 1 with an empty symbol table, pass 2 with the
# table of pass 1 (for backtraces), the final link with the table of pass 2
# (same size as pass 2's, so no address moves).  scripts/mksyms.sh writes it as a C file.
$(HV_ELF): $(HV_OBJS) $(HV_LDS) scripts/mksyms.sh
	$(if $(Q),@echo "  LD      $@")
	$(Q)scripts/mksyms.sh > $(BUILD)/hv/symbols.c
	$(Q)$(HV_CC) $(HV_CFLAGS) -c $(BUILD)/hv/symbols.c -o $(BUILD)/hv/symbols.o
	$(Q)$(HV_LD) -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
		-T $(HV_LDS) -o $@.pass1 $(HV_OBJS) $(BUILD)/hv/symbols.o
	$(Q)scripts/mksyms.sh $@.pass1 > $(BUILD)/hv/symbols.c
	$(Q)$(HV_CC) $(HV_CFLAGS) -c $(BUILD)/hv/symbols.c -o $(BUILD)/hv/symbols.o
	$(Q)$(HV_LD) -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
		-T $(HV_LDS) -o $@.pass2 $(HV_OBJS) $(BUILD)/hv/symbols.o
	$(Q)scripts/mksyms.sh $@.pass2 > $(BUILD)/hv/symbols.c
	$(Q)$(HV_CC) $(HV_CFLAGS) -c $(BUILD)/hv/symbols.c -o $(BUILD)/hv/symbols.o
	$(Q)$(HV_LD) -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
		-T $(HV_LDS) -o $@ $(HV_OBJS) $(BUILD)/hv/symbols.o

# Flat image for QEMU's -kernel (multiboot1, a.out kludge): objcopy lays the
# sections out by load address, starting at the lowest one.
$(HV_BIN): $(HV_ELF)
	$(Q)objcopy -O binary $< $@
