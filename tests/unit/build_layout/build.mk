UNIT_SRCS_build_layout := kernel/domain/build_layout.c
