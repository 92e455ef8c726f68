UNIT_SRCS_grant := kernel/grant/grant_table.c kernel/grant/grant_map.c kernel/grant/grant_copy.c \
	kernel/hypercall/grant_table.c \
	tests/unit/fakes/domain/fake_domain.c
