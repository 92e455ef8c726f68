/*
 * Shared helpers of the hypercall conformance guest (tests/guest/hypercalls/):
 * who we are (dom0 or a domU, our domain id), the edge of our bootstrap
 * mapping, and the pointers every family is tried with.  Each family's
 * file exports one test_<family>() that main.c runs in turn.
 */
#ifndef CONFORM_H
#define CONFORM_H

#include "../lib/tg.h"
#include <public/errno.h>

#define NONCANON     0x0000800000000000UL /* first non-canonical address */
#define HV_RANGE     0xffff800000001000UL /* inside the hypervisor's range */
#define PTE_FLAGS    0x63UL		  /* P, RW, A, D */
#define EVTCHN_PORTS 4096U		  /* ports of the 2-level ABI */

bool conform_is_dom0(void);
domid_t conform_domid(void);
/* Guest frame number of a page of our image (VA = PFN * 4 KiB). */
unsigned long conform_pfn(const void *va);
/* Machine frame number of a page of our image. */
unsigned long conform_mfn(const void *va);

void test_cpu(void);
void test_evtchn(void);
void test_grant(void);
void test_memory(void);
void test_vcpu(void);
void test_privileged(void);

#endif
