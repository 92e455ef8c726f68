UNIT_SRCS_pvguest := pvguest/core/evtchn.c pvguest/core/time.c pvguest/core/device.c \
	pvguest/mm/pages.c pvguest/mm/heap.c
