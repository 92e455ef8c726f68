UNIT_SRCS_evtchn := $(wildcard kernel/event/*.c) kernel/hypercall/event_channel.c \
	tests/unit/fakes/domain/fake_domain.c
