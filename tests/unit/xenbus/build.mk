UNIT_SRCS_xenbus := pvguest/xenbus/xs_ring.c pvguest/xenbus/xenbus.c \
	$(wildcard pvguest/dom0/xenstored/*.c)
