UNIT_SRCS_blkbench := pvguest/dom0/blkbench.c pvguest/core/blktime.c pvguest/core/device.c
