# The test guests (tests/guest/<test>/ + tests/guest/lib/): tiny PV kernels
# that run hypercall conformance tests and print TAP verdict lines.
# Freestanding, no SSE, linked at VA 0x2000 (tests/guest/lib/guest.lds).

TG_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -mno-red-zone -mgeneral-regs-only \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-Wall -Wextra -Werror -nostdinc -isystem $(shell gcc -print-file-name=include) \
	-Ikernel/include -MMD -MP
TG_LIB := $(wildcard tests/guest/lib/*.c tests/guest/lib/*.S)
TG_TESTS := $(filter-out lib,$(notdir $(patsubst %/,%,$(wildcard tests/guest/*/))))

$(BUILD)/guest/tg/%.o: tests/guest/%
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GUESTCC $<")
	$(Q)gcc $(TG_CFLAGS) -c $< -o $@

define tg_rule
$(BUILD)/guests/tg-$(1): $(patsubst tests/guest/%,$(BUILD)/guest/tg/%.o,$(TG_LIB) $(wildcard tests/guest/$(1)/*.c tests/guest/$(1)/*.S)) tests/guest/lib/guest.lds
	@mkdir -p $$(dir $$@)
	$(if $(Q),@echo "  GUESTLD $$@")
	$(Q)ld -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
		-T tests/guest/lib/guest.lds -o $$@ $$(filter %.o,$$^)
GUEST_IMAGES += $(BUILD)/guests/tg-$(1)
endef
$(foreach t,$(TG_TESTS),$(eval $(call tg_rule,$(t))))
