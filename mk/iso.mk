# The hybrid BIOS/UEFI ISO: GRUB with boot/grub/grub.cfg, the hypervisor and
# the guest images as modules under /boot (Xen's layout and menu shape).

ISO := $(BUILD)/hospes.iso
ISO_TEST := $(BUILD)/hospes-test.iso
ISO_SCREEN := $(BUILD)/hospes-screen.iso
ISO_DIR := $(BUILD)/isodir
GRUB_MODULES := multiboot2 normal part_msdos part_gpt iso9660 all_video serial terminal

.PHONY: iso
iso: $(ISO) $(ISO_TEST) $(ISO_SCREEN)

# The test ISO boots the same menu with selftest=boot, without delay, so
# boot smoke tests get an isa-debug-exit verdict through GRUB.
TEST_GRUB_CFG := sed -e 's/^\(\s*multiboot2 .*\)$$/\1 selftest=boot/' -e 's/^set timeout=.*/set timeout=0/'

# The screen ISO has no modules and no delay: the hypervisor stops after its
# banner (no dom0) and halts with the screen intact, so tests/scenarios/
# screen.sh can read the display back while QEMU is still running.
SCREEN_GRUB_CFG := sed -e '/^\s*module2 /d' -e 's/^set timeout=.*/set timeout=0/'

# mkiso(iso, directory, grub.cfg filter).  --install-modules names modules
# for every GRUB platform installed on the build host; a platform without
# one of them (GRUB's Xen platforms have no multiboot2) makes it fail, and
# the second try then copies every module of every platform (a larger ISO).
define mkiso
	$(if $(Q),@echo "  ISO     $(1)")
	$(Q)rm -rf $(2) && mkdir -p $(2)/boot/grub
	$(Q)$(3) boot/grub/grub.cfg > $(2)/boot/grub/grub.cfg
	$(Q)cp $(HV_ELF) $(2)/boot/hospes
	$(Q)$(if $(GUEST_IMAGES),cp $(GUEST_IMAGES) $(2)/boot/)
	$(Q)grub-mkrescue -o $(1) --locales= --fonts= --themes= \
		--install-modules="$(GRUB_MODULES)" $(2) >$(1).log 2>&1 \
		|| grub-mkrescue -o $(1) --locales= --fonts= --themes= $(2) >>$(1).log 2>&1 \
		|| { cat $(1).log; exit 1; }
endef

$(ISO): $(HV_ELF) $(GUEST_IMAGES) boot/grub/grub.cfg mk/iso.mk | $(DEPS_STAMP)
	$(call mkiso,$@,$(ISO_DIR),cat)

$(ISO_TEST): $(HV_ELF) $(GUEST_IMAGES) boot/grub/grub.cfg mk/iso.mk | $(DEPS_STAMP)
	$(call mkiso,$@,$(ISO_DIR)-test,$(TEST_GRUB_CFG))

$(ISO_SCREEN): $(HV_ELF) $(GUEST_IMAGES) boot/grub/grub.cfg mk/iso.mk | $(DEPS_STAMP)
	$(call mkiso,$@,$(ISO_DIR)-screen,$(SCREEN_GRUB_CFG))
