/*
 * Test environment of the privileged-interface tests: a simulated machine
 * with dom0 (privileged, 256 pages) and a domU (id 9, 64 pages), a fake
 * guest memory window at GVA shared by every vCPU, a fake log ring, and
 * helpers that issue domctl / sysctl as dom0's toolstack would.
 */
#ifndef PRIV_ENV_H
#define PRIV_ENV_H

#include <hospes/domain.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <stdint.h>

#define GVA	   0x10000000UL
#define GMEM_SIZE  (64UL << 10)
#define ENV_FRAMES 4096

extern struct domain *dom0, *domu;
extern struct vcpu *v0, *vu;
extern struct log_ring test_log;

void *gptr(unsigned long va);
void env_setup(void);
void env_teardown(void);

/* Put op at GVA, call, read it back into op; the hypercall's result. */
long domctl(struct vcpu *v, struct xen_domctl *op);
long domctl_cmd(struct vcpu *v, uint32_t cmd, domid_t dom);
long sysctl(struct vcpu *v, struct xen_sysctl *op);
void log_append(const char *s);

#endif
