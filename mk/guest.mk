# Guest images: pvguest/ (dom0 and domU kernels), drivers/, tests/guest/.
# Each image adds itself to GUEST_IMAGES; mk/iso.mk packs them as modules.

GUEST_IMAGES :=
-include $(wildcard mk/guest/*.mk)

.PHONY: guests
guests: $(GUEST_IMAGES)
