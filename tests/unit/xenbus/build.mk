UNIT_SRCS_xenbus := pvguest/xenbus/xs_ring.c
