# Hospes: top-level Makefile.
#
# Everything is built under $(BUILD).  The pieces live in mk/:
#   mk/hypervisor.mk  the hypervisor image (boot/ + kernel/)
#   mk/host.mk        host-built cmocka unit tests (ASan + UBSan)
#   mk/guest.mk       guest images (pvguest/, drivers/, tests/guest/)
#   mk/iso.mk         the hybrid BIOS/UEFI ISO
#   mk/test.mk        run, test, bench, style
#
# Set V=1 to see every command.

BUILD ?= build
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
HOSPES_VERSION := 0.1

.DEFAULT_GOAL := all
.PHONY: all deps clean

# Every target that needs host tools checks for them first (quietly when
# nothing is missing).
DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): scripts/deps.sh
	$(Q)scripts/deps.sh
	$(Q)mkdir -p $(BUILD) && touch $@

deps:
	$(Q)scripts/deps.sh

include mk/hypervisor.mk
include mk/host.mk
include mk/newlib.mk
include mk/guest.mk
include mk/iso.mk
include mk/xenguest.mk
include mk/test.mk

all: $(DEPS_STAMP) hypervisor guests iso unit xen-guest

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
