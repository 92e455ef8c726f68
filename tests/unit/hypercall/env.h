/*
 * The world the hypercall handlers see in the host tests: one domain with
 * two vCPUs, guest memory [GVA, GVA + GMEM) that copy_*_guest reach (every
 * other address is -EFAULT), and a domain layer that records what it was
 * asked to do.
 */
#ifndef TEST_HYPERCALL_ENV_H
#define TEST_HYPERCALL_ENV_H

#include <hospes/hypercall.h>
#include <hospes/pv.h>

#define GVA  0x100000UL
#define GMEM 0x10000UL

extern unsigned char gmem[GMEM];
extern struct domain dom, other;
extern struct vcpu *v0, *v1;

struct env_log {
	int shutdowns;
	struct domain *shutdown_dom;
	unsigned int shutdown_reason;
	int blocks, yields, polls;
	unsigned int poll_nr;
	uint32_t poll_ports[128];
	uint64_t poll_timeout;
	uint64_t singleshot, periodic;
	struct vcpu *timer_vcpu;
	int ups, downs;
	uint64_t now;
	int roots_rc;
	unsigned long kernel_root, user_root;
	char line[256];
	int lines;
	char partial[256];
	int partials;
	int activations;
	uint64_t runstate_time[4];	 /* what vcpu_runstate() reports */
	struct vcpu *runstate_area_vcpu; /* last vcpu_update_runstate_area() */
	int runstate_area_writes;
	struct vcpu *info_vcpu; /* last vcpu_register_info() */
	unsigned long info_gfn;
	unsigned int info_offset;
	bool info_self;
	bool loaded_ok;	   /* guest_loaded_ok says yes (the tables are "loaded") */
	int loaded_checks; /* guest_loaded_ok calls */
};
extern struct env_log env;

void env_reset(bool privileged);
long hc(struct vcpu *v, unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3);
void *gptr(unsigned long va); /* host pointer to guest VA */

#endif
