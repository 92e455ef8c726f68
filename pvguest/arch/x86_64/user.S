/*
 * user_enter(rip, rsp, argc, argv): a process's first step into guest user
 * mode.  It builds the frame the iret hypercall takes (flags, RIP, CS,
 * RFLAGS, RSP, SS; the hypercall-page stub adds RCX, R11, RAX) with the
 * user CS, whose RPL 3 makes the hypervisor switch to the process's user
 * page tables, and RFLAGS.IF set, which unmasks events in the same step.
 * The program starts with argc in rdi and argv in rsi, every other
 * register zero and a clean FPU/SSE state (nothing of the kernel or of
 * another process is left in a register).  Entered with events masked;
 * never returns: the thread's kernel stack is reused from its top on
 * every later entry from user mode.
 */
#define HYPERCALL_IRET	(23 * 32)
#define FLAT_USER_CS	0xe033
#define FLAT_USER_SS	0xe02b
#define RFLAGS_IF	0x200
#define MXCSR_DEFAULT	0x1f80

	.text
	.globl user_enter
user_enter:
	fninit
	push $MXCSR_DEFAULT
	ldmxcsr (%rsp)
	add $8, %rsp
	xorps %xmm0, %xmm0
	xorps %xmm1, %xmm1
	xorps %xmm2, %xmm2
	xorps %xmm3, %xmm3
	xorps %xmm4, %xmm4
	xorps %xmm5, %xmm5
	xorps %xmm6, %xmm6
	xorps %xmm7, %xmm7
	xorps %xmm8, %xmm8
	xorps %xmm9, %xmm9
	xorps %xmm10, %xmm10
	xorps %xmm11, %xmm11
	xorps %xmm12, %xmm12
	xorps %xmm13, %xmm13
	xorps %xmm14, %xmm14
	xorps %xmm15, %xmm15
	push $FLAT_USER_SS
	push %rsi
	push $RFLAGS_IF
	push $FLAT_USER_CS
	push %rdi
	push $0			/* iret flags */
	mov %rdx, %rdi
	mov %rcx, %rsi
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	jmp hypercall_page + HYPERCALL_IRET
