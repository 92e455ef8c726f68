UNIT_SRCS_xenstore := pvguest/xenbus/xs_ring.c $(wildcard pvguest/dom0/xenstored/*.c)
