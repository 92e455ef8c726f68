/*
 * The root file system image linked into the domU kernel (a RAM disk
 * until a block device is there; see main.c).  mk/guest/pvguest.mk builds
 * it with the host tool mkpfs from the user programs and pvguest/user/etc,
 * and passes its path as PVG_DISK_IMAGE.
 */
	.section .data.disk, "aw"
	.balign 4096
	.globl disk_image, disk_image_end
disk_image:
	.incbin PVG_DISK_IMAGE
disk_image_end:
	.balign 4096
