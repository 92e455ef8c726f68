UNIT_SRCS_blktime := pvguest/core/blktime.c pvguest/core/device.c
