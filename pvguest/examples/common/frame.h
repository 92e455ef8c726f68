/* The frame common/trap_entry.S hands to trap_handler(). */
#ifndef EXAMPLES_COMMON_FRAME_H
#define EXAMPLES_COMMON_FRAME_H

#include <stdint.h>

struct frame {
	uint64_t r11, r10, r9, r8, rcx, rdx, rsi, rdi, rax;
	int64_t vector; /* -1: event upcall */
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

void trap_handler(struct frame *f);

#endif
