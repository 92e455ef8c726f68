# The hybrid BIOS/UEFI ISO: GRUB with boot/grub/grub.cfg, the hypervisor and
# the guest images as modules under /boot (Xen's layout and menu shape).

ISO := $(BUILD)/hospes.iso
ISO_DIR := $(BUILD)/isodir
GRUB_MODULES := multiboot2 normal part_msdos part_gpt iso9660 all_video serial terminal

.PHONY: iso
iso: $(ISO)

$(ISO): $(HV_ELF) $(GUEST_IMAGES) boot/grub/grub.cfg | $(DEPS_STAMP)
	$(if $(Q),@echo "  ISO     $@")
	$(Q)rm -rf $(ISO_DIR) && mkdir -p $(ISO_DIR)/boot/grub
	$(Q)cp boot/grub/grub.cfg $(ISO_DIR)/boot/grub/grub.cfg
	$(Q)cp $(HV_ELF) $(ISO_DIR)/boot/hospes
	$(Q)$(if $(GUEST_IMAGES),cp $(GUEST_IMAGES) $(ISO_DIR)/boot/)
	$(Q)grub-mkrescue -o $@ --locales= --fonts= --themes= \
		--install-modules="$(GRUB_MODULES)" $(ISO_DIR) >$(BUILD)/grub-mkrescue.log 2>&1 \
		|| { cat $(BUILD)/grub-mkrescue.log; exit 1; }
