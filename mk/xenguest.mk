# A guest built for Xen, for tests/scenarios/xen-guest.sh: Debian's PV GRUB
# (grub-x86_64-xen.bin) taken from the grub-xen-host package without
# installing it (installed, its grub-xen-bin dependency adds Xen platforms
# to /usr/lib/grub that grub-mkrescue then tries, and fails, to build).
# Fetched once with apt-get download; offline, the build goes on and the
# scenario says what is missing.

GRUB_XEN_DIR := $(BUILD)/grub-xen
GRUB_XEN_BIN := $(GRUB_XEN_DIR)/usr/lib/grub-xen/grub-x86_64-xen.bin

.PHONY: xen-guest
xen-guest: $(GRUB_XEN_BIN)

$(GRUB_XEN_BIN):
	$(if $(Q),@echo "  FETCH   grub-xen-host (Debian's PV GRUB)")
	$(Q)mkdir -p $(GRUB_XEN_DIR) && cd $(GRUB_XEN_DIR) && rm -f grub-xen-host_*.deb && \
		{ apt-get download grub-xen-host >fetch.log 2>&1 && dpkg -x grub-xen-host_*.deb . ; } || \
		echo "warning: could not fetch grub-xen-host (see $(GRUB_XEN_DIR)/fetch.log); scenario/xen-guest will fail"
