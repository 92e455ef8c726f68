UNIT_SRCS_blk := pvguest/core/gnttab.c drivers/back/blk_req.c drivers/back/blk_dma.c drivers/back/ramdisk.c \
	drivers/front/blk_req.c drivers/front/blk_persist.c drivers/back/blk_persist.c drivers/xenbus/xendev.c drivers/back/blk.c drivers/front/blk.c pvguest/core/device.c pvguest/xenbus/xs_ring.c \
	pvguest/xenbus/xenbus.c $(wildcard pvguest/dom0/xenstored/*.c)
