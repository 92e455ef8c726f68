# The pvguest kernel (pvguest/): one kernel, two images.
#   $(BUILD)/guests/pvguest-dom0  carries the SUPPORTED_FEATURES "dom0" note
#   $(BUILD)/guests/pvguest-domU  does not (a builder refuses it as dom0)
# The role at run time comes from start_info (SIF_INITDOMAIN).  The common
# kernel (arch, core, mm, libc, proc, fs, net) goes into both; dom0 adds its main
# program and toolstack (pvguest/dom0/**) and the drivers/{hw,back,xenbus}/**
# drivers, a domU pvguest/apps/** (init: it mounts the root pfs, a RAM disk
# image linked in and built below from the user programs, and runs the
# first process) and drivers/{front,xenbus}/**.
# Linked at VA 0x2000, VIRT_BASE 0, against newlib (mk/newlib.mk), libm
# and libgcc.
# pvguest/examples/NN-*/ are the guide's stages (docs/guest-kernel.md):
# each is its own small image $(BUILD)/guests/example-NN-*, without newlib.

PVG_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -mno-red-zone -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-Wall -Wextra -Werror -nostdinc -isystem $(NEWLIB_INC) \
	-isystem $(shell gcc -print-file-name=include) \
	-Ipvguest -Ipvguest/arch/x86_64/include -Idrivers -Ikernel/include -MMD -MP
PVG_LIBS := -L$(NEWLIB_LIB) --start-group -lc -lm $(shell gcc -print-libgcc-file-name) --end-group
pvg_find = $(sort $(shell find $(1) \( -name '*.c' -o -name '*.S' \) 2>/dev/null))
PVG_SRCS := $(filter-out %/dom0_note.S,$(wildcard pvguest/arch/x86_64/*.S)) \
	$(wildcard pvguest/arch/x86_64/*.c pvguest/core/*.c pvguest/mm/*.c pvguest/libc/*.c \
		pvguest/xenbus/*.c pvguest/proc/*.c pvguest/fs/*.c pvguest/net/*.c)
PVG_DOM0_SRCS := $(call pvg_find,pvguest/dom0 drivers/hw drivers/back drivers/xenbus) \
	kernel/domain/elf.c kernel/domain/build_layout.c
PVG_DOMU_SRCS := $(call pvg_find,pvguest/apps drivers/front drivers/xenbus)
PVG_OBJS := $(patsubst %,$(BUILD)/pvguest-obj/%.o,$(PVG_SRCS))
PVG_DOM0_OBJS := $(patsubst %,$(BUILD)/pvguest-obj/%.o,$(PVG_DOM0_SRCS)) \
	$(BUILD)/pvguest-obj/pvguest/arch/x86_64/dom0_note.S.o
PVG_DOMU_OBJS := $(patsubst %,$(BUILD)/pvguest-obj/%.o,$(PVG_DOMU_SRCS))
PVG_LDS := pvguest/arch/x86_64/pvguest.lds

$(BUILD)/pvguest-obj/%.o: % | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  PVGCC   $<")
	$(Q)gcc $(PVG_CFLAGS) -c $< -o $@

# pvguest_link(image, extra objects)
define pvguest_link
	@mkdir -p $(dir $(1))
	$(if $(Q),@echo "  PVGLD   $(1)")
	$(Q)ld -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
		-T $(PVG_LDS) -o $(1) $(PVG_OBJS) $(2) $(PVG_LIBS)
endef

$(BUILD)/guests/pvguest-domU: $(PVG_OBJS) $(PVG_DOMU_OBJS) $(PVG_LDS)
	$(call pvguest_link,$@,$(PVG_DOMU_OBJS))

$(BUILD)/guests/pvguest-dom0: $(PVG_OBJS) $(PVG_DOM0_OBJS) $(PVG_LDS)
	$(call pvguest_link,$@,$(PVG_DOM0_OBJS))

GUEST_IMAGES += $(BUILD)/guests/pvguest-dom0 $(BUILD)/guests/pvguest-domU

# User programs (pvguest/user/bin/NAME.c -> $(BUILD)/user/NAME): static
# newlib programs at 0x400000 with the user-side glue pvguest/user/lib.
UPROG_CFLAGS := -std=gnu11 -O2 -g -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fcf-protection=none -Wall -Wextra -Werror \
	-nostdinc -isystem $(NEWLIB_INC) -isystem $(shell gcc -print-file-name=include) \
	-Ipvguest -Ipvguest/user/lib -MMD -MP
UPROG_NAMES := $(basename $(notdir $(wildcard pvguest/user/bin/*.c)))
UPROG_LIB := $(patsubst %,$(BUILD)/user-obj/%.o,$(wildcard pvguest/user/lib/*.c pvguest/user/lib/*.S))
UPROGS := $(addprefix $(BUILD)/user/,$(UPROG_NAMES))
.SECONDARY: $(patsubst %,$(BUILD)/user-obj/pvguest/user/bin/%.c.o,$(UPROG_NAMES))

$(BUILD)/user-obj/%.o: % | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  UCC     $<")
	$(Q)gcc $(UPROG_CFLAGS) -c $< -o $@

$(BUILD)/user/%: $(BUILD)/user-obj/pvguest/user/bin/%.c.o $(UPROG_LIB) pvguest/user/lib/user.lds
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  ULD     $@")
	$(Q)ld -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack -s \
		-T pvguest/user/lib/user.lds -o $@ $(filter %.o,$^) $(PVG_LIBS)

# The host tool for pfs images and the root image of the domU.
$(BUILD)/tools/mkpfs: pvguest/tools/mkpfs.c pvguest/fs/pfs.c pvguest/fs/pfs.h pvguest/core/device.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $@")
	$(Q)gcc -std=gnu11 -O2 -Wall -Wextra -Werror -Ipvguest -o $@ pvguest/tools/mkpfs.c pvguest/fs/pfs.c

PVG_ETC := $(wildcard pvguest/user/etc/*)
PVG_DISK := $(BUILD)/pvguest-disk.img
$(PVG_DISK): $(BUILD)/tools/mkpfs $(UPROGS) $(PVG_ETC)
	$(if $(Q),@echo "  MKPFS   $@")
	$(Q)$(BUILD)/tools/mkpfs $@ 1536 $(foreach p,$(UPROGS),bin/$(notdir $(p))=$(p)) \
		$(foreach f,$(PVG_ETC),etc/$(notdir $(f))=$(f))

$(BUILD)/pvguest-obj/pvguest/apps/init/disk.S.o: $(PVG_DISK)
$(BUILD)/pvguest-obj/pvguest/apps/init/disk.S.o: PVG_CFLAGS += -DPVG_DISK_IMAGE='"$(abspath $(PVG_DISK))"'

# The guide's examples: every file of the folder, its own linker script.
EX_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -mno-red-zone -mgeneral-regs-only \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -Wall -Wextra -Werror -nostdinc \
	-isystem $(shell gcc -print-file-name=include) -Ikernel/include
EX_NAMES := $(filter-out common,$(notdir $(patsubst %/,%,$(wildcard pvguest/examples/*/))))
# A stage's own link.lds if it has one, else the shared one.
ex_lds = $(or $(wildcard pvguest/examples/$(1)/link.lds),pvguest/examples/common/link.lds)

$(BUILD)/example-obj/%.o: pvguest/examples/% $(wildcard pvguest/examples/common/*)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  EXCC    $<")
	$(Q)gcc $(EX_CFLAGS) -c $< -o $@

define example_rule
$(BUILD)/guests/example-$(1): $(patsubst pvguest/examples/%,$(BUILD)/example-obj/%.o,$(wildcard pvguest/examples/$(1)/*.c pvguest/examples/$(1)/*.S)) $(call ex_lds,$(1))
	@mkdir -p $$(dir $$@)
	$(if $(Q),@echo "  EXLD    $$@")
	$(Q)ld -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
		-T $(call ex_lds,$(1)) -o $$@ $$(filter %.o,$$^)
GUEST_IMAGES += $(BUILD)/guests/example-$(1)
endef
$(foreach e,$(EX_NAMES),$(eval $(call example_rule,$(e))))
