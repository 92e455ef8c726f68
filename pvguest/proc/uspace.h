/*
 * A process's address space: its own user page tables, which the
 * hypervisor loads (shadowed) whenever the vCPU runs in guest user mode.
 * See uspace.c.
 */
#ifndef PVGUEST_PROC_USPACE_H
#define PVGUEST_PROC_USPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uspace {
	unsigned long l4, l3, l2; /* PFNs of the fixed tables; l4 == 0: none */
	unsigned long pages;	  /* leaf pages mapped */
};

/* 0, or -ENOMEM (nothing left allocated). */
int uspace_create(struct uspace *us);
/* Maps zeroed pages over [va, va + len) where none are mapped yet:
 * 0, -EFAULT (outside the user range) or -ENOMEM. */
int uspace_map(struct uspace *us, unsigned long va, unsigned long len);
/* The kernel's view of the byte at user address va, or NULL if unmapped. */
void *uspace_ptr(const struct uspace *us, unsigned long va);
/* Loads us as the vCPU's user page tables (NULL: none). */
void uspace_activate(const struct uspace *us);
/* Unmaps and frees everything; us must not be the loaded one. */
void uspace_destroy(struct uspace *us);

/* Copies between kernel memory and process memory: 0 or -EFAULT. */
int copy_from_user(const struct uspace *us, void *dst, unsigned long src, size_t len);
int copy_to_user(const struct uspace *us, unsigned long dst, const void *src, size_t len);
/* A NUL-terminated string of at most max bytes (with the NUL): its
 * length, -EFAULT, or -ENAMETOOLONG. */
long copy_str_from_user(const struct uspace *us, char *dst, unsigned long src, size_t max);

#endif
