UNIT_SRCS_pvguest_proc := pvguest/fs/pfs.c pvguest/fs/ramdisk.c pvguest/core/device.c \
	pvguest/proc/elf.c
