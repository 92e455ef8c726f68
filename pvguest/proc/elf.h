/*
 * Checking a program file before it becomes a process: a static x86-64
 * ELF executable whose loadable segments all lie in the user range.
 * Pure logic, host-tested (tests/unit/pvguest).
 */
#ifndef PVGUEST_PROC_ELF_H
#define PVGUEST_PROC_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_SEGS_MAX 8

struct elf_seg {
	uint64_t vaddr, memsz, offset, filesz;
};

struct elf_image {
	uint64_t entry;
	uint64_t end; /* first byte above every segment: where the break starts */
	unsigned int nsegs;
	struct elf_seg seg[ELF_SEGS_MAX];
};

/* 0, or -ENOEXEC (not a program we run) / -EFAULT (outside [lo, hi)). */
int elf_check(const void *file, size_t len, uint64_t lo, uint64_t hi, struct elf_image *out);

#endif
