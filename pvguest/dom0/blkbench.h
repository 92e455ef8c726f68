/*
 * dom0's block benchmark (blkbench.c), for blktest.c's "blkbench" mode:
 * the same timed reads (core/blktime.h) by dom0 on its own disk and by a
 * domU through blkfront, compared in wall-clock time and in busy time.
 */
#ifndef PVGUEST_DOM0_BLKBENCH_H
#define PVGUEST_DOM0_BLKBENCH_H

#include <core/blktime.h>
#include <public/sysctl.h>
#include <stdbool.h>
#include <stdint.h>

struct xenbus;

/* The machine's clock and idle time at one phase edge, its CPUs' halt,
 * switch and CR3 write counters (ctr, if ctr_ok) and dom0's device
 * interrupts so far (irqs). */
struct busy_sample {
	uint64_t now, idle;
	unsigned int cpus;
	bool ok, ctr_ok;
	struct hospes_cpustat ctr;
	unsigned long irqs;
	bool bb_ok; /* the front's vbd: blkback's requests, DMA batches, notifications */
	unsigned long bb_requests, bb_batches, bb_notifies;
};

struct blkbench {
	struct blk_timing own;
	struct busy_sample own_at[BLKTIME_MARKS], front_at[BLKTIME_MARKS];
};

/* Print every phase edge as "blkbench: mark own|front N" (blktest sets it
 * for "blkmarks" on dom0's command line; blkbench.c's top says why). */
extern bool blkbench_print_marks;

/* dom0 times its own reads of [first, first + sectors) of disk; 0 or -errno. */
int blkbench_own(struct blkbench *b, struct device *disk, uint64_t first, uint64_t sectors,
		 unsigned int nrand);
/* Serves domain `front`'s phase marks (data/bench-mark, data/bench-ack)
 * while it times its reads of vbd `devid`; true if every mark came and
 * was answered. */
bool blkbench_serve_front(struct blkbench *b, struct xenbus *xb, unsigned int front,
			  unsigned int devid);
/* Prints the "bench blk_ahci_..." lines from both sides' figures; true if
 * the domU reported timings of the same reads. */
bool blkbench_report(struct blkbench *b, struct xenbus *xb, unsigned int front);

#endif
