# (Read after mk/guest/pvguest.mk: make sorts the wildcard, "_" after ".".)
# blkloop (tests/pvguest/blkloop/): the pvguest kernel as dom0 with both
# block drivers, the xenbus client and xenstored linked in, serving a RAM
# disk to itself (tests/scenarios/blk.sh): the common kernel objects, the
# drivers and the test's own main(); sort drops objects named twice.
BLKLOOP_SRCS := $(wildcard tests/pvguest/blkloop/*.c drivers/front/*.c drivers/back/*.c \
	drivers/xenbus/*.c pvguest/xenbus/*.c pvguest/dom0/xenstored/*.c)
BLKLOOP_OBJS = $(sort $(PVG_OBJS) \
	$(patsubst %,$(BUILD)/pvguest-obj/%.o,$(BLKLOOP_SRCS)) \
	$(BUILD)/pvguest-obj/pvguest/arch/x86_64/dom0_note.S.o)

$(BUILD)/guests/blkloop: $(BLKLOOP_OBJS) $(PVG_LDS)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  PVGLD   $@")
	$(Q)ld -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
		-T $(PVG_LDS) -o $@ $(BLKLOOP_OBJS) $(PVG_LIBS)

GUEST_IMAGES += $(BUILD)/guests/blkloop
