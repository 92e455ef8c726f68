UNIT_SRCS_disk := pvguest/fs/part.c pvguest/fs/pfs.c pvguest/fs/ramdisk.c pvguest/core/device.c \
	pvguest/dom0/disk.c
