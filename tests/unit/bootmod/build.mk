UNIT_SRCS_bootmod := pvguest/dom0/bootmod.c kernel/domain/modpack.c
