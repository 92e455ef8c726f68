/*
 * A fake AHCI HBA with one disk per implemented port: registers with
 * their hardware semantics (write-1-to-clear status, doorbells, reset),
 * commands run from the command list by DMA (host pointers) against an
 * in-memory disk, in reverse slot order, a limited number per step, so
 * several are visibly in flight.
 */
#ifndef TESTS_UNIT_HW_FAKE_AHCI_H
#define TESTS_UNIT_HW_FAKE_AHCI_H

#include "fake_hw.h"

#define FAKE_AHCI_BASE	  0xfebf0000ULL
#define FAKE_AHCI_SECTORS 2048
#define FAKE_AHCI_PORTS	  4

struct fake_ahci {
	struct fake_model model;
	uint32_t regs[0x1100 / 4];
	uint8_t disk[FAKE_AHCI_PORTS][FAKE_AHCI_SECTORS * 512];
	uint32_t pi;	       /* implemented ports */
	uint32_t present;      /* ports with a disk */
	uint32_t atapi;	       /* ports with an ATAPI device */
	bool ncq;	       /* CAP.SNCQ and the disk's IDENTIFY */
	unsigned int per_step; /* commands run per step */
	unsigned int irq;      /* fired when GHC.IE and a port interrupt */
	bool halted[FAKE_AHCI_PORTS];
	unsigned int max_in_flight, flushes, queued_cmds, dma_cmds, bad_prds;
	uint64_t fail_lba; /* a read or write touching it fails; ~0: none */
	bool never_complete;
	unsigned int ci_reads;		     /* reads of any port's PxCI: the driver's looks */
	unsigned int ci_writes, sact_writes; /* doorbell writes, any port */
	uint64_t last_lba;		     /* the last read or write command's FIS, decoded */
	uint32_t last_count;
	unsigned int last_prdtl; /* the last read or write command's PRDs */
	uint8_t last_device;
};

void fake_ahci_init(struct fake_ahci *a, uint32_t pi, uint32_t present, bool ncq);

#endif
