# Host-built unit tests (cmocka, ASan + UBSan).
#
# Every folder tests/unit/<name>/ (except fakes/) becomes one test binary
# $(BUILD)/unit/<name> built from the folder's *.c, the core sources its
# build.mk lists in UNIT_SRCS_<name>, and tests/unit/fakes/*.c (the host
# implementation of hospes/arch.h).

HOST_CC := gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Itests/unit/fakes/include -Ikernel/include -Itests/unit/fakes -Ipvguest -Idrivers \
	-DHOSPES_VERSION='"$(HOSPES_VERSION)"' -DHOSPES_HOST -MMD -MP
HOST_LDLIBS := -lcmocka

UNIT_NAMES := $(filter-out fakes,$(notdir $(patsubst %/,%,$(wildcard tests/unit/*/))))
-include $(wildcard tests/unit/*/build.mk)
# kernel/trace/trace.c goes into every binary too: its hooks sit in the
# dispatcher, the event code and the trap paths that many tests link.
FAKE_SRCS := $(wildcard tests/unit/fakes/*.c) kernel/trace/trace.c
UNIT_BINS := $(addprefix $(BUILD)/unit/,$(UNIT_NAMES))

.PHONY: unit
unit: $(UNIT_BINS)

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

define unit_rule
$(BUILD)/unit/$(1): $(patsubst %.c,$(BUILD)/host/%.o,$(wildcard tests/unit/$(1)/*.c) $(UNIT_SRCS_$(1)) $(FAKE_SRCS))
	@mkdir -p $$(dir $$@)
	$(if $(Q),@echo "  HOSTLD  $$@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $$@ $$^ $(HOST_LDLIBS)
endef
$(foreach u,$(UNIT_NAMES),$(eval $(call unit_rule,$(u))))
