/*
 * AHCI: the HBA's registers at ABAR (PCI BAR 5), one register block per
 * port at 0x100 + 0x80 * port, and three structures in memory per port
 * that the HBA reads and writes by DMA:
 *
 *   command list  32 headers of 32 bytes (1 KiB aligned): per slot the
 *                 FIS length, the direction, how many PRDs, the table;
 *   command table per slot: the command FIS (Register H2D, 20 bytes) at
 *                 0, then at 0x80 the PRD table, one entry per
 *                 physically contiguous piece of the buffer (address,
 *                 byte count - 1);
 *   received FIS  256 bytes where the HBA copies the disk's answers.
 *
 * Issuing a command: fill the slot's header and table, then set the
 * slot's bit in PxCI (and first in PxSACT for an NCQ command).  The HBA
 * clears PxCI when the command has been sent and accepted; an NCQ
 * command is finished when the disk clears its PxSACT bit (Set Device
 * Bits FIS), any other command when its PxCI bit clears.  So a slot is
 * done when its bit is in neither register: one rule for both kinds.
 *
 * Several commands are in flight at once: NCQ commands (READ/WRITE FPDMA
 * QUEUED, the tag is the slot) when the HBA (CAP.SNCQ) and the disk
 * (IDENTIFY word 76) both support it, otherwise several DMA EXT commands
 * in consecutive slots, which the HBA runs in order.  The two kinds are
 * never in flight together (SATA forbids it): a flush waits for the
 * queue to drain.  run_queue() keeps the slots full: it fills free slots
 * with requests in order, rings one doorbell for all it filled, and
 * refills them as commands finish.
 * A request names its memory either as a buffer of ours (PRDs built
 * page by page from its machine frames) or as machine-memory pieces
 * (ahci_rw_bus: one PRD per piece, up to AHCI_PRDS per command), which
 * is how blkback has the disk DMA straight into a frontend's pages.
 * ahci_rw_vec puts every piece of a vectored transfer in one run_queue,
 * so a caller's queue depth reaches the disk as NCQ commands in flight.
 *
 * Errors: PxIS.TFES (the disk set ERR) or a host bus error fails every
 * command still in its slot with -EIO and restarts the port (stop, clear
 * PxSERR and PxIS, start).  A command that does not finish in
 * AHCI_TIMEOUT_NS fails the same way with -ETIMEDOUT.
 *
 * Interrupts (a legacy line, possibly shared, or MSI): the handler reads
 * and clears the HBA's status so the line is quiet before the EOI (hw.h),
 * latches the ports' bits and counts the interrupt if it was the HBA's;
 * completions are always found by ahci_poll() in thread context, from
 * PxCI/PxSACT, with the latched bits for errors.
 */
#include "ahci.h"
#include "hw.h"
#include <core/device.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* HBA registers */
#define HBA_CAP		  0x00
#define HBA_GHC		  0x04
#define HBA_IS		  0x08
#define HBA_PI		  0x0c
#define CAP_NCS(c)	  ((((c) >> 8) & 0x1f) + 1)
#define CAP_SNCQ	  (1u << 30)
#define CAP_S64A	  (1u << 31)
#define GHC_HR		  (1u << 0)
#define GHC_IE		  (1u << 1)
#define GHC_AE		  (1u << 31)
/* Port registers */
#define PX_CLB		  0x00
#define PX_CLBU		  0x04
#define PX_FB		  0x08
#define PX_FBU		  0x0c
#define PX_IS		  0x10
#define PX_IE		  0x14
#define PX_CMD		  0x18
#define PX_TFD		  0x20
#define PX_SIG		  0x24
#define PX_SSTS		  0x28
#define PX_SERR		  0x30
#define PX_SACT		  0x34
#define PX_CI		  0x38
#define CMD_ST		  (1u << 0)
#define CMD_SUD		  (1u << 1)
#define CMD_POD		  (1u << 2)
#define CMD_FRE		  (1u << 4)
#define CMD_FR		  (1u << 14)
#define CMD_CR		  (1u << 15)
#define IS_DHRS		  (1u << 0)
#define IS_PSS		  (1u << 1)
#define IS_SDBS		  (1u << 3)
#define IS_ERRORS	  0x78000000u /* TFES, HBFS, HBDS, IFS */
#define TFD_BUSY	  0x88u	      /* BSY | DRQ */
#define SIG_DISK	  0x00000101u
#define SSTS_DET_PHY	  3
/* ATA */
#define ATA_READ_DMA_EXT  0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_READ_FPDMA	  0x60
#define ATA_WRITE_FPDMA	  0x61
#define ATA_FLUSH_EXT	  0xea
#define ATA_IDENTIFY	  0xec
#define ATA_DEV_LBA	  0x40
#define FIS_H2D		  0x27

struct ahci_cmd_header {
	uint16_t flags; /* CFL (dwords) 4:0, W bit 6 */
	uint16_t prdtl;
	uint32_t prdbc;
	uint64_t ctba;
	uint32_t reserved[4];
};

struct ahci_prd {
	uint64_t dba;
	uint32_t reserved;
	uint32_t dbc; /* byte count - 1, bit 31: interrupt */
};

struct ahci_cmd_table {
	uint8_t cfis[64];
	uint8_t acmd[16];
	uint8_t reserved[48];
	struct ahci_prd prd[AHCI_PRDS];
};

_Static_assert(sizeof(struct ahci_cmd_header) == 32, "command header");
_Static_assert(sizeof(struct ahci_cmd_table) % 128 == 0, "command table alignment");

#define AHCI_IDENTIFY 3 /* internal op next to enum ahci_op */

static volatile void *port_regs(struct ahci_hba *hba, unsigned int n)
{
	return (volatile uint8_t *)hba->abar + 0x100 + 0x80 * n;
}

static bool is_queued(const struct ahci_port *p, int op)
{
	return p->ncq && (op == AHCI_READ || op == AHCI_WRITE);
}

/*
 * A Register H2D FIS, as five little-endian dwords: type, C bit, command,
 * features 7:0 | LBA 23:0, device | LBA 47:24, features 15:8 | count,
 * ICC and control 0 | reserved.  Whole stores: a command per request.
 */
static void fis_h2d(uint8_t *f, uint8_t cmd, uint64_t lba, uint16_t count, uint16_t features)
{
	uint32_t *w = (uint32_t *)f; /* the table's first bytes: 128-byte aligned */
	uint32_t dev = cmd == ATA_IDENTIFY ? 0 : ATA_DEV_LBA;

	w[0] = FIS_H2D | 0x80u << 8 | (uint32_t)cmd << 16 | (uint32_t)(features & 0xff) << 24;
	w[1] = (uint32_t)(lba & 0xffffff) | dev << 24;
	w[2] = (uint32_t)((lba >> 24) & 0xffffff) | (uint32_t)(features >> 8) << 24;
	w[3] = count;
	w[4] = 0;
}

/* PRDs for len bytes at buf, one per run of device-contiguous pages;
 * the number used, or -EINVAL if they do not fit. */
static int build_prds(struct ahci_prd *prd, const uint8_t *buf, uint32_t len)
{
	int n = 0;
	while (len) {
		uint32_t chunk = 4096 - ((uintptr_t)buf & 4095);
		chunk = chunk < len ? chunk : len;
		uint64_t bus = hw_virt_to_bus(buf);
		if (n && prd[n - 1].dba + prd[n - 1].dbc + 1 == bus) {
			prd[n - 1].dbc += chunk;
		} else {
			if (n == AHCI_PRDS)
				return -EINVAL;
			prd[n++] = (struct ahci_prd){.dba = bus, .dbc = chunk - 1};
		}
		buf += chunk;
		len -= chunk;
	}
	return n;
}

bool ahci_dma64(const struct ahci_hba *hba)
{
	return hba->cap & CAP_S64A;
}

/*
 * PRDs for r's machine-memory pieces, each checked as its PRD is
 * written (one pass: this runs for every segment blkback serves): even
 * address and length, 1 byte..4 MiB, reachable by the HBA, count sectors
 * in all.  A piece that starts where the last PRD ends extends it (up to
 * 4 MiB): a frontend's buffer of machine-contiguous pages is then one
 * PRD, as a buffer of ours is (build_prds), not one per page.  The
 * number used, or -EINVAL (the slot's table is then left half written,
 * harmless: the slot is not issued).
 */
static int sg_prds(const struct ahci_port *p, struct ahci_prd *prd, const struct ahci_req *r)
{
	uint64_t bytes = 0, limit = ahci_dma64(p->hba) ? ~0ULL : 1ULL << 32, next = ~0ULL;
	struct ahci_prd *last = prd - 1;

	for (const struct block_sg *sg = r->sg, *end = sg + r->nsg; sg < end; sg++) {
		uint64_t bus = sg->bus;
		uint32_t len = sg->len;
		if (len - 1u >= (4u << 20) || ((bus | len) & 1) || bus > limit - len)
			return -EINVAL;
		if (bus == next && last->dbc + len < (4u << 20))
			last->dbc += len;
		else
			*++last = (struct ahci_prd){.dba = bus, .dbc = len - 1};
		next = bus + len;
		bytes += len;
	}
	return bytes == (uint64_t)r->count * AHCI_SECTOR ? (int)(last + 1 - prd) : -EINVAL;
}

static int check_req(const struct ahci_port *p, const struct ahci_req *r)
{
	if (r->op == AHCI_FLUSH)
		return 0;
	if (r->sg && (r->op == AHCI_READ || r->op == AHCI_WRITE)) {
		/* the pieces themselves: sg_prds, as their PRDs are written */
		if (r->nsg == 0 || r->nsg > AHCI_PRDS || r->buf || r->count > 0xffff ||
		    r->lba >= p->sectors || r->count > p->sectors - r->lba)
			return -EINVAL;
		return 0;
	}
	if (r->count == 0 || r->count > AHCI_MAX_SECTORS || !r->buf || ((uintptr_t)r->buf & 1))
		return -EINVAL;
	if ((int)r->op == AHCI_IDENTIFY)
		return r->count == 1 ? 0 : -EINVAL;
	if (r->op != AHCI_READ && r->op != AHCI_WRITE)
		return -EINVAL;
	if (r->lba >= p->sectors || r->count > p->sectors - r->lba)
		return -EINVAL;
	return 0;
}

/* The command FIS of r in slot s. */
static void build_fis(struct ahci_port *p, const struct ahci_req *r, unsigned int s, uint8_t *f)
{
	bool w = r->op == AHCI_WRITE;
	if (is_queued(p, r->op))
		fis_h2d(f, w ? ATA_WRITE_FPDMA : ATA_READ_FPDMA, r->lba, (uint16_t)(s << 3),
			(uint16_t)r->count);
	else if ((int)r->op == AHCI_IDENTIFY)
		fis_h2d(f, ATA_IDENTIFY, 0, 0, 0);
	else if (r->op == AHCI_FLUSH)
		fis_h2d(f, ATA_FLUSH_EXT, 0, 0, 0);
	else
		fis_h2d(f, w ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT, r->lba, (uint16_t)r->count, 0);
}

static int free_slot(const struct ahci_port *p, bool queued)
{
	uint32_t all = p->hba->nslots == 32 ? ~0u : (1u << p->hba->nslots) - 1;
	uint32_t free = ~p->busy & all;
	if (!free || (p->busy && queued == p->nonq_busy))
		return -EBUSY;
	return __builtin_ctz(free);
}

/*
 * Puts r in a free slot, all but the doorbell: the slot (or -EBUSY, no
 * slot now, or -EINVAL).  The slot counts as busy at once, so the next
 * fill takes another; ring() then issues every filled slot in one pair
 * of register writes.  Nothing may look at the port (port_poll) between
 * the two: an unrung slot is in neither PxCI nor PxSACT and would look
 * done.  Threads are cooperative and the interrupt handler only acks,
 * so a caller that fills and rings without waiting in between is safe.
 */
static int fill_slot(struct ahci_port *p, struct ahci_req *r)
{
	int rc = check_req(p, r);
	if (rc)
		return rc;
	bool queued = is_queued(p, r->op);
	int s = free_slot(p, queued);
	if (s < 0)
		return s;
	struct ahci_cmd_table *t = &p->tables[s];
	int nprd = 0;
	if (r->sg)
		nprd = sg_prds(p, t->prd, r);
	else if (r->op != AHCI_FLUSH)
		nprd = build_prds(t->prd, r->buf, r->count * AHCI_SECTOR);
	if (nprd < 0)
		return nprd;
	build_fis(p, r, (unsigned int)s, t->cfis);
	struct ahci_cmd_header *h = &p->list[s];
	h->flags = 5 | (r->op == AHCI_WRITE ? 1u << 6 : 0);
	h->prdtl = (uint16_t)nprd;
	h->prdbc = 0;
	h->ctba = p->tables_bus + (uint64_t)s * sizeof(*t);
	r->status = 1;
	p->slot[s] = r;
	p->busy |= 1u << s;
	p->nonq_busy = !queued;
	return s;
}

/*
 * The doorbell for the slots in `slots` (filled by fill_slot), NCQ ones
 * first in PxSACT: one write of each register for any number of
 * commands.  Each register write is a trap to the device model under
 * emulation (QEMU starts each command at its PxCI write), so commands
 * rung one by one reach the disk spread out: 32 of them ~220 us apart
 * first to last, measured (performance.md, "requests in batches").
 */
static void ring(struct ahci_port *p, uint32_t slots)
{
	if (!slots)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* tables before the doorbell */
	if (!p->nonq_busy)
		mmio_write32(p->regs, PX_SACT, slots);
	mmio_write32(p->regs, PX_CI, slots);
}

int ahci_submit(struct ahci_port *p, struct ahci_req *r)
{
	int s = fill_slot(p, r);
	if (s < 0)
		return s;
	ring(p, 1u << s);
	return 0;
}

static void complete(struct ahci_port *p, unsigned int s, int status)
{
	struct ahci_req *r = p->slot[s];
	p->slot[s] = NULL;
	p->busy &= ~(1u << s);
	if (status)
		p->errors++;
	else
		p->completed++;
	r->status = status;
}

static int port_stop(struct ahci_port *p)
{
	uint32_t cmd = mmio_read32(p->regs, PX_CMD);
	mmio_write32(p->regs, PX_CMD, cmd & ~CMD_ST);
	if (!hw_poll32(p->regs, PX_CMD, CMD_CR, 0, HW_MS(500)))
		return -ETIMEDOUT;
	mmio_write32(p->regs, PX_CMD, mmio_read32(p->regs, PX_CMD) & ~CMD_FRE);
	return hw_poll32(p->regs, PX_CMD, CMD_FR, 0, HW_MS(500)) ? 0 : -ETIMEDOUT;
}

/* FIS receive on; waits for the disk's first status (and signature). */
static int port_receive(struct ahci_port *p)
{
	mmio_write32(p->regs, PX_SERR, ~0u);
	mmio_write32(p->regs, PX_IS, ~0u);
	mmio_write32(p->regs, PX_CMD, mmio_read32(p->regs, PX_CMD) | CMD_FRE | CMD_SUD | CMD_POD);
	return hw_poll32(p->regs, PX_TFD, TFD_BUSY, 0, HW_MS(1000)) ? 0 : -ETIMEDOUT;
}

static int port_start(struct ahci_port *p)
{
	int rc = port_receive(p);
	if (!rc)
		mmio_write32(p->regs, PX_CMD, mmio_read32(p->regs, PX_CMD) | CMD_ST);
	return rc;
}

/* Fails every command still in a slot and restarts the port. */
static void port_recover(struct ahci_port *p, int status)
{
	hw_log("ahci port %u: %s (tfd %#x serr %#x), %d commands failed\n", p->no,
	       status == -ETIMEDOUT ? "timeout" : "error", mmio_read32(p->regs, PX_TFD),
	       mmio_read32(p->regs, PX_SERR), __builtin_popcount(p->busy));
	for (unsigned int s = 0; s < AHCI_SLOTS; s++)
		if (p->busy & (1u << s))
			complete(p, s, status);
	if (port_stop(p) || port_start(p))
		hw_log("ahci port %u: does not restart\n", p->no);
}

/*
 * Reads and clears the HBA's interrupt status (HBA IS, then PxIS of each
 * port it names; write-1-to-clear), latching each port's bits in
 * is_latched for port_poll.  Run by the interrupt handler, so the line is
 * quiet before its EOI, and by ahci_poll; on one vCPU the handler runs
 * whole between two statements of the thread, and the latch is an atomic
 * OR, so no bit is lost or seen twice.  true if the HBA was interrupting.
 */
static bool ack(struct ahci_hba *hba)
{
	uint32_t is = mmio_read32(hba->abar, HBA_IS);
	for (uint32_t m = hba->ports; m; m &= m - 1) {
		unsigned int n = (unsigned int)__builtin_ctz(m);
		struct ahci_port *p = hba->port[n];
		if (!(is & (1u << n) || p->busy))
			continue;
		uint32_t pis = mmio_read32(p->regs, PX_IS);
		if (pis) {
			mmio_write32(p->regs, PX_IS, pis);
			__atomic_fetch_or(&p->is_latched, pis, __ATOMIC_RELAXED);
		}
	}
	if (is)
		mmio_write32(hba->abar, HBA_IS, is);
	return is != 0;
}

static void port_poll(struct ahci_port *p)
{
	uint32_t is = __atomic_exchange_n(&p->is_latched, 0, __ATOMIC_RELAXED);
	uint32_t pending = mmio_read32(p->regs, PX_CI) | mmio_read32(p->regs, PX_SACT);
	uint32_t done = p->busy & ~pending;
	for (unsigned int s = 0; done; s++, done >>= 1)
		if (done & 1)
			complete(p, s, 0);
	if (is & IS_ERRORS)
		port_recover(p, -EIO);
}

void ahci_poll(struct ahci_hba *hba)
{
	ack(hba);
	for (uint32_t m = hba->ports; m; m &= m - 1) {
		struct ahci_port *p = hba->port[__builtin_ctz(m)];
		if (p->busy || p->is_latched)
			port_poll(p);
	}
}

void ahci_irq(void *arg)
{
	struct ahci_hba *hba = arg;
	if (ack(hba))
		hba->irqs++;
}

int ahci_enable_irq(struct ahci_hba *hba, const struct hw_irq_src *src)
{
	int rc = hw_irq_attach(src, ahci_irq, hba);
	if (rc)
		return rc;
	hba->irq = true;
	mmio_write32(hba->abar, HBA_GHC, mmio_read32(hba->abar, HBA_GHC) | GHC_IE);
	return 0;
}

/*
 * Runs reqs[0..n): submits in order while slots are free, refills them as
 * commands finish, until every request has its status (a request the
 * port refuses gets the refusal).  The first error, or 0.
 *
 * A look (ahci_poll) costs register reads.  Right after the first
 * commands went out none is done yet, so with interrupts on the first
 * look waits for the HBA's interrupt (unless its handler already latched
 * status bits): a lone 4 KiB read takes one look, not three.  Then every
 * round looks, and waits when a look found nothing finished.  The clock
 * is read only before a wait (AHCI_TIMEOUT_NS counts from the first), so
 * a command that is done by its first look costs no clock read.
 */
static int run_queue(struct ahci_port *p, struct ahci_req *reqs, unsigned int n)
{
	uint64_t deadline = 0; /* set at the first wait: a read done at once reads no clock */
	unsigned int next = 0, done = 0;
	bool look = !p->hba->irq;
	struct hw_waiter w; /* before the first submit: its interrupt comes after */
	hw_waiter_start(&w);

	while (done < n) {
		uint32_t filled = 0;
		while (next < n) {
			int s = fill_slot(p, &reqs[next]);
			if (s == -EBUSY)
				break;
			if (s < 0)
				reqs[next].status = s;
			else
				filled |= 1u << s;
			next++;
		}
		ring(p, filled);
		bool came_back = false;
		if (look || __atomic_load_n(&p->is_latched, __ATOMIC_RELAXED)) {
			uint32_t busy = p->busy;
			ahci_poll(p->hba);
			came_back = p->busy != busy;
		}
		while (done < next && reqs[done].status <= 0)
			done++;
		if (done == n)
			break;
		if (!came_back) { /* nothing came back: until an interrupt, within the deadline */
			uint64_t now = hw_now_ns();
			if (!deadline) {
				deadline = now + AHCI_TIMEOUT_NS;
			} else if (now > deadline) {
				port_recover(p, -ETIMEDOUT);
				for (unsigned int i = next; i < n; i++)
					reqs[i].status = -ETIMEDOUT;
				break;
			}
			hw_wait(&w);
		}
		look = true;
	}
	for (unsigned int i = 0; i < n; i++)
		if (reqs[i].status)
			return reqs[i].status;
	return 0;
}

#define QUEUE 32 /* requests per run_queue() of a buffer transfer */

/*
 * The requests of a buffer transfer, at most max of them into out[]; how
 * many.  *lba, *buf and *count move past them.  Each takes as many
 * sectors as AHCI_PRDS pages hold from where it starts in its page
 * (AHCI_MAX_SECTORS from a page boundary, 504 from anywhere else), so a
 * 256 KiB page-aligned read is one command, as blkback's is.
 */
static unsigned int split_buf(struct ahci_req *out, unsigned int max, int op, uint64_t *lba,
			      uint8_t **buf, uint32_t *count)
{
	unsigned int n = 0;

	for (; *count && n < max; n++) {
		uint32_t room = (AHCI_PRDS * 4096 - ((uintptr_t)*buf & 4095)) / AHCI_SECTOR;
		uint32_t c = *count < room ? *count : room;
		out[n] = (struct ahci_req){.op = op, .lba = *lba, .count = c, .buf = *buf};
		*lba += c;
		*buf += c * AHCI_SECTOR;
		*count -= c;
	}
	return n;
}

static int do_rw(struct ahci_port *p, int op, uint64_t lba, uint8_t *buf, uint32_t count)
{
	struct ahci_req reqs[QUEUE];
	while (count) {
		int rc = run_queue(p, reqs, split_buf(reqs, QUEUE, op, &lba, &buf, &count));
		if (rc)
			return rc;
	}
	return 0;
}

int ahci_rw_vec(struct ahci_port *p, bool write, const struct block_vec *v, unsigned int n)
{
	int op = write ? AHCI_WRITE : AHCI_READ;
	size_t total = 0, nreq = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!v[i].count || ((uintptr_t)v[i].buf & 1) || v[i].sector >= p->sectors ||
		    v[i].count > p->sectors - v[i].sector)
			return -EINVAL;
		total += v[i].count / AHCI_MIN_CMD_SECTORS + 1; /* at least enough */
	}
	if (!total)
		return -EINVAL;
	/* A queue's worth of commands needs no allocation (QD32 of 4 KiB, 4 x 256 KiB). */
	struct ahci_req queue[QUEUE], *reqs = total > QUEUE ? calloc(total, sizeof(*reqs)) : queue;
	if (!reqs)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t lba = v[i].sector;
		uint8_t *buf = v[i].buf;
		uint32_t count = v[i].count;
		nreq += split_buf(&reqs[nreq], (unsigned int)(total - nreq), op, &lba, &buf,
				  &count);
	}
	int rc = run_queue(p, reqs, (unsigned int)nreq);
	if (reqs != queue)
		free(reqs);
	return rc;
}

/*
 * The commands of one io: AHCI_PRDS pieces each; how many, or -EINVAL.
 * An io of one command's pieces (blkback's requests) is that command
 * as it is: ahci_submit checks its pieces against its count.
 */
static int split_io(struct ahci_req *out, const struct block_io *io)
{
	enum ahci_op op = io->write ? AHCI_WRITE : AHCI_READ;
	unsigned int n = 0;

	if (!io->nsg || !io->sg)
		return -EINVAL;
	if (io->nsg <= AHCI_PRDS) {
		out[0] = (struct ahci_req){.op = op,
					   .lba = io->sector,
					   .count = io->count,
					   .sg = io->sg,
					   .nsg = io->nsg};
		return 1;
	}
	uint64_t lba = io->sector, left = io->count;
	for (unsigned int i = 0; i < io->nsg; i += AHCI_PRDS, n++) {
		unsigned int k = io->nsg - i < AHCI_PRDS ? io->nsg - i : AHCI_PRDS;
		uint64_t bytes = 0;
		for (unsigned int j = 0; j < k; j++)
			bytes += io->sg[i + j].len;
		if (bytes % AHCI_SECTOR || bytes / AHCI_SECTOR > left)
			return -EINVAL;
		out[n] = (struct ahci_req){.op = op,
					   .lba = lba,
					   .count = (uint32_t)(bytes / AHCI_SECTOR),
					   .sg = &io->sg[i],
					   .nsg = k};
		lba += bytes / AHCI_SECTOR;
		left -= bytes / AHCI_SECTOR;
	}
	return left ? -EINVAL : (int)n;
}

int ahci_rw_bus(struct ahci_port *p, struct block_io *ios, unsigned int n)
{
	unsigned int total = 0, nreq = 0;

	for (unsigned int i = 0; i < n; i++)
		total += (ios[i].nsg + AHCI_PRDS - 1) / AHCI_PRDS;
	/* A batch that fits a queue's worth of commands needs no allocation. */
	struct ahci_req queue[QUEUE], *reqs = queue;
	unsigned int queue_owner[QUEUE], *owner = queue_owner;
	if (total > QUEUE) {
		reqs = calloc(total, sizeof(*reqs));
		owner = calloc(total, sizeof(*owner));
	}
	if (!reqs || !owner) {
		free(reqs);
		free(owner);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n; i++) {
		int k = split_io(&reqs[nreq], &ios[i]);
		ios[i].status = k < 0 ? k : 0;
		for (int j = 0; j < k; j++)
			owner[nreq++] = i;
	}
	run_queue(p, reqs, nreq);
	for (unsigned int r = 0; r < nreq; r++)
		if (reqs[r].status && !ios[owner[r]].status)
			ios[owner[r]].status = reqs[r].status;
	if (reqs != queue) {
		free(reqs);
		free(owner);
	}
	return 0;
}

int ahci_rw(struct ahci_port *p, uint64_t lba, void *buf, uint32_t count, bool write)
{
	if (lba >= p->sectors || count > p->sectors - lba)
		return -EINVAL;
	return do_rw(p, write ? AHCI_WRITE : AHCI_READ, lba, buf, count);
}

int ahci_flush(struct ahci_port *p)
{
	struct ahci_req r = {.op = AHCI_FLUSH};
	return run_queue(p, &r, 1);
}

static uint64_t id_words(const uint16_t *id, int w, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 16 | id[w + i];
	return v;
}

static void parse_identify(struct ahci_port *p, const uint16_t *id)
{
	p->sectors = (id[83] & (1u << 10)) ? id_words(id, 100, 4) : id_words(id, 60, 2);
	p->ncq = (p->hba->cap & CAP_SNCQ) && (id[76] & (1u << 8));
	for (int i = 0; i < 20; i++) {
		p->model[2 * i] = (char)(id[27 + i] >> 8);
		p->model[2 * i + 1] = (char)(id[27 + i] & 0xff);
	}
	p->model[40] = '\0';
	for (int i = 39; i >= 0 && p->model[i] == ' '; i--)
		p->model[i] = '\0';
}

static int identify(struct ahci_port *p)
{
	uint64_t bus;
	uint16_t *id = hw_dma_alloc(AHCI_SECTOR, &bus);
	if (!id)
		return -ENOMEM;
	struct ahci_req r = {.op = (enum ahci_op)AHCI_IDENTIFY, .count = 1, .buf = id};
	int rc = run_queue(p, &r, 1);
	if (!rc)
		parse_identify(p, id);
	if (r.status != 1)
		hw_dma_free(id, AHCI_SECTOR);
	return rc;
}

static int port_alloc(struct ahci_port *p)
{
	uint64_t list_bus;
	p->list = hw_dma_alloc(4096, &list_bus);
	p->tables = hw_dma_alloc(AHCI_SLOTS * sizeof(struct ahci_cmd_table), &p->tables_bus);
	if (!p->list || !p->tables)
		return -ENOMEM;
	p->rfis = (uint8_t *)p->list + 1024;
	if (!(p->hba->cap & CAP_S64A) && (list_bus >> 32 || p->tables_bus >> 32))
		return -ENOMEM;
	mmio_write32(p->regs, PX_CLB, (uint32_t)list_bus);
	mmio_write32(p->regs, PX_CLBU, (uint32_t)(list_bus >> 32));
	mmio_write32(p->regs, PX_FB, (uint32_t)(list_bus + 1024));
	mmio_write32(p->regs, PX_FBU, (uint32_t)((list_bus + 1024) >> 32));
	return 0;
}

static int port_setup(struct ahci_port *p)
{
	if ((mmio_read32(p->regs, PX_SSTS) & 0xf) != SSTS_DET_PHY)
		return -ENODEV;
	/* The signature is valid once the disk's first FIS has arrived. */
	int rc = port_stop(p);
	rc = rc ? rc : port_alloc(p);
	rc = rc ? rc : port_receive(p);
	if (rc)
		return rc;
	uint32_t sig = mmio_read32(p->regs, PX_SIG);
	if (sig != SIG_DISK) {
		hw_log("ahci port %u: signature %#x, not a disk\n", p->no, sig);
		port_stop(p);
		return -ENODEV;
	}
	mmio_write32(p->regs, PX_CMD, mmio_read32(p->regs, PX_CMD) | CMD_ST);
	mmio_write32(p->regs, PX_IE, IS_DHRS | IS_PSS | IS_SDBS | IS_ERRORS);
	rc = identify(p);
	if (rc)
		return rc;
	hw_log("ahci port %u: \"%s\", %llu sectors (%llu MiB), %s, %u slots\n", p->no, p->model,
	       (unsigned long long)p->sectors, (unsigned long long)(p->sectors >> 11),
	       p->ncq ? "NCQ" : "no NCQ", p->hba->nslots);
	return 0;
}

static int hba_reset(struct ahci_hba *hba)
{
	mmio_write32(hba->abar, HBA_GHC, GHC_AE);
	mmio_write32(hba->abar, HBA_GHC, GHC_AE | GHC_HR);
	if (!hw_poll32(hba->abar, HBA_GHC, GHC_HR, 0, HW_MS(1000)))
		return -ETIMEDOUT;
	mmio_write32(hba->abar, HBA_GHC, GHC_AE);
	return 0;
}

int ahci_init(struct ahci_hba *hba, volatile void *abar)
{
	hba->abar = abar;
	hba->ports = 0;
	int rc = hba_reset(hba);
	if (rc) {
		hw_log("ahci: HBA reset does not finish\n");
		return rc;
	}
	hba->cap = mmio_read32(abar, HBA_CAP);
	hba->nslots = CAP_NCS(hba->cap);
	uint32_t pi = mmio_read32(abar, HBA_PI);
	unsigned int disks = 0;
	for (unsigned int n = 0; n < AHCI_PORTS; n++) {
		if (!(pi & (1u << n)))
			continue;
		struct ahci_port *p = calloc(1, sizeof(*p));
		if (!p)
			return -ENOMEM;
		*p = (struct ahci_port){.hba = hba, .no = n, .regs = port_regs(hba, n)};
		hba->port[n] = p;
		hba->ports |= 1u << n;
		rc = port_setup(p);
		if (rc) {
			if (rc != -ENODEV)
				hw_log("ahci port %u: not usable (%d)\n", n, rc);
			hba->port[n] = NULL;
			hba->ports &= ~(1u << n);
			free(p);
			continue;
		}
		disks++;
	}
	mmio_write32(hba->abar, HBA_IS, ~0u);
	return disks ? 0 : -ENODEV;
}
