/*
 * Where a pvguest process starts: the kernel's user_enter leaves argc in
 * rdi and argv in rsi (pvguest/arch/x86_64/user.S) and a stack whose top
 * holds the argument strings.  _start aligns the stack as a call
 * expects, runs main and hands its result to exit(), which flushes
 * stdio and ends the process with SYS_exit.
 */
	.text
	.globl _start
_start:
	xor %ebp, %ebp
	and $-16, %rsp
	call main
	mov %eax, %edi
	call exit
1:	ud2
	jmp 1b
