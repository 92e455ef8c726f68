/*
 * AHCI SATA disks (Serial ATA AHCI 1.3): one HBA, its implemented ports,
 * one disk per port.  Requests go in any of the port's command slots, so
 * several are in flight at once (NCQ when HBA and disk both offer it).
 * See ahci.c for the command list, FIS and PRD layouts.
 */
#ifndef DRIVERS_HW_AHCI_H
#define DRIVERS_HW_AHCI_H

#include "hw.h"
#include <stdbool.h>
#include <stdint.h>

#define AHCI_PORTS	     32
#define AHCI_SLOTS	     32
#define AHCI_PRDS	     64	 /* per command: a 64-segment blkif request is one command */
#define AHCI_MAX_SECTORS     512 /* per buffer request: 256 KiB, AHCI_PRDS whole pages */
#define AHCI_MIN_CMD_SECTORS 504 /* what AHCI_PRDS pages hold from anywhere in a page */
#define AHCI_SECTOR	     512
#define AHCI_TIMEOUT_NS	     5000000000ULL

enum ahci_op { AHCI_READ, AHCI_WRITE, AHCI_FLUSH };

struct block_sg;
struct block_io;
struct block_vec;

struct ahci_req {
	enum ahci_op op;
	uint64_t lba;
	uint32_t count; /* sectors, 1..AHCI_MAX_SECTORS (0 for a flush) */
	void *buf;	/* 2-byte aligned; NULL when sg is used */
	/* Or machine memory: nsg (1..AHCI_PRDS) pieces, count sectors in all. */
	const struct block_sg *sg;
	unsigned int nsg;
	int status; /* 1 while in flight, then 0 or -errno */
};

struct ahci_cmd_header; /* 32 bytes, in the port's command list */
struct ahci_cmd_table;	/* FIS, ATAPI command, PRD table */

struct ahci_port {
	struct ahci_hba *hba;
	unsigned int no;
	volatile void *regs;
	struct ahci_cmd_header *list;
	struct ahci_cmd_table *tables;
	uint64_t tables_bus;
	void *rfis;
	struct ahci_req *slot[AHCI_SLOTS];
	uint32_t busy; /* slots in use */
	bool ncq, nonq_busy;
	uint64_t sectors;
	char model[41];
	unsigned long completed, errors;
	uint32_t is_latched; /* PxIS bits the interrupt handler cleared */
};

struct ahci_hba {
	volatile void *abar;
	uint32_t cap;
	unsigned int nslots;
	bool irq;
	unsigned long irqs; /* interrupts that were this HBA's */
	struct ahci_port *port[AHCI_PORTS];
	uint32_t ports; /* bit n set: port[n] is in use */
};

/* Resets the HBA at abar and brings up every port with a disk behind it;
 * 0 or -errno (logged).  Ports that fail are logged and left out. */
int ahci_init(struct ahci_hba *hba, volatile void *abar);
/* Puts req in a free slot; 0, -EBUSY (no slot now) or -EINVAL. */
int ahci_submit(struct ahci_port *p, struct ahci_req *req);
/* Completes what the HBA finished (requests get their status). */
void ahci_poll(struct ahci_hba *hba);
/* Reads or writes count sectors at lba, splitting into requests that
 * are all in flight together; 0 or -errno. */
int ahci_rw(struct ahci_port *p, uint64_t lba, void *buf, uint32_t count, bool write);
/* The pieces v[0..n) (core/device.h; buffers 2-byte aligned, each inside
 * the disk, checked before anything is issued) with all their commands in
 * flight together, as many as the port has slots; 0 or the first error. */
int ahci_rw_vec(struct ahci_port *p, bool write, const struct block_vec *v, unsigned int n);
int ahci_flush(struct ahci_port *p);
/* Runs the machine-memory transfers ios[0..n) (core/device.h) with as
 * many commands in flight as the port has slots; each io gets its
 * status.  0, or -ENOMEM. */
int ahci_rw_bus(struct ahci_port *p, struct block_io *ios, unsigned int n);
/* Whether the HBA addresses all 64 bits (CAP.S64A); without it pieces above
 * 4 GiB are refused. */
bool ahci_dma64(const struct ahci_hba *hba);
/* The interrupt handler: quiets the HBA, latches its status, counts the
 * interrupt if it was the HBA's (ahci_poll does the rest). */
void ahci_irq(void *hba);
/* Attaches the HBA to its interrupt (a line or MSI) and turns interrupts
 * on; 0 or -errno (the driver then polls). */
int ahci_enable_irq(struct ahci_hba *hba, const struct hw_irq_src *src);

#endif
