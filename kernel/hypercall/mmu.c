/*
 * The PV MMU hypercalls: mmu_update (1), update_va_mapping (14) and
 * mmuext_op (26).  This file is the trust boundary for them: it copies each
 * request in through guest_access, decodes it, and hands a checked request
 * to kernel/mm/shadow/pv_mmu.c, which validates the new entry and acts.
 *
 * Batches stop at the first failing request, whose error is returned; the
 * number of requests completed is written to the guest's `done` counter
 * (Xen's partial completion).  Frame numbers are in the caller's own frame
 * space, except with foreigndom: the privileged domain names another
 * domain D there, and the frame in each new L1 entry of mmu_update is then
 * D's (how a toolstack maps a new domain's memory to load it): the p2m
 * gives the privileged domain a foreign entry for it (p2m_map_priv) and
 * the entry is rewritten with the frame number the caller must use.  In
 * mmuext_op, foreigndom names the owner of the tables to pin or unpin.
 * DOMID_IO (device memory) is the privileged domain's own frame space:
 * its p2m shows device frames as P2M_MMIO (kernel/mm/p2m.c).
 * Anyone else naming a foreigndom gets -EPERM; the page-table owner
 * (foreigndom bits 16-31, plus one) may only be the caller.
 *
 * The SYSCALL fast path calls do_mmu_update_fast and do_mmuext_op_fast
 * instead: with its conditions (the running vCPU, in guest kernel mode, so
 * its kernel tables are in CR3; hospes/hypercall.h) a batch of one plain
 * update, or of one op, on the caller's own tables reads its request by
 * two (three) loads and writes `done` by one store through those tables
 * (asm/guest_read.h), as the event channel's fast send reads its port.
 * Anything else, and any load that faults, is do_mmu_update's
 * (do_mmuext_op's) from the start; a store that faults leaves `done` to
 * the software walk.  The checks are the same either way.
 */
#include <asm/guest_read.h>
#include <hospes/compiler.h>
#include <hospes/domain.h>
#include <hospes/guest_access.h>
#include <hospes/p2m.h>
#include <hospes/printk.h>
#include <hospes/pv_mmu.h>
#include <hospes/shadow.h>
#include <public/errno.h>
#include <public/xen.h>

/* The data owner foreigndom names: the caller, or any domain for the privileged. */
static struct domain *mmu_owner(struct domain *d, unsigned long foreigndom, long *rc)
{
	domid_t fd = foreigndom & 0xffff;
	unsigned long pfd = (foreigndom >> 16) & 0xffff;
	struct domain *t;

	*rc = -XEN_EPERM;
	if (pfd != 0 && pfd - 1 != d->id)
		return NULL;
	if (fd == DOMID_SELF || fd == d->id) {
		*rc = 0;
		return d;
	}
	if (!d->is_privileged)
		return NULL;
	if (fd == DOMID_IO) { /* device memory: frames in its own (machine) numbering */
		*rc = 0;
		return d;
	}
	t = fd < DOMID_FIRST_RESERVED ? domain_get(fd) : NULL;
	*rc = t ? 0 : -XEN_ESRCH;
	return t; /* held for the call: mmu_owner_put() */
}

static void mmu_owner_put(struct domain *d, struct domain *fd)
{
	if (fd && fd != d)
		domain_put(fd);
}

/* A new L1 entry naming fd's frame, rewritten to the frame d must use for it. */
static long mmu_foreign_val(struct domain *d, struct domain *fd, uint64_t *val)
{
	gfn_t g;
	long rc;

	if (fd == d || !(*val & PTE_P))
		return 0;
	rc = p2m_map_priv(d, fd, _gfn((*val & PTE_ADDR_MASK) >> PAGE_SHIFT), &g);
	if (!rc)
		*val = (*val & ~PTE_ADDR_MASK) | (gfn_x(g) << PAGE_SHIFT);
	return rc;
}

static void report_done(struct vcpu *v, unsigned long done_va, unsigned int done)
{
	if (done_va)
		(void)write_guest_u32(v, done_va, done); /* as in Xen: a bad pointer is ignored */
}

#define MMU_CHUNK 32 /* requests copied in at once (512 bytes of stack) */

static long mmu_one(struct domain *d, struct domain *fd, const struct mmu_update *req)
{
	unsigned long cmd = req->ptr & 7, addr = req->ptr & ~7UL;
	gfn_t table = _gfn(addr >> PAGE_SHIFT);
	unsigned int idx = (addr & (PAGE_SIZE - 1)) >> 3;
	uint64_t val = req->val;
	long rc;

	if (likely(cmd == MMU_NORMAL_PT_UPDATE && fd == d)) /* the common case, constants folded */
		return pv_pt_update_own(d, table, idx, val);
	switch (cmd) {
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_NO_TRANSLATE: /* a PV guest's frames need no translation */
	case MMU_PT_UPDATE_PRESERVE_AD:
		rc = mmu_foreign_val(d, fd, &val);
		if (rc)
			return rc;
		return pv_pt_update(d, d, table, idx, val, cmd == MMU_PT_UPDATE_PRESERVE_AD, 0);
	case MMU_MACHPHYS_UPDATE:
		if (fd != d)
			return -XEN_EINVAL;
		return pv_machphys_update(d, table, req->val);
	default:
		return -XEN_ENOSYS;
	}
}

/* A batch of one request on the caller's own tables (the common case):
 * the same result as the loop below, without its chunk buffer. */
static long mmu_update_single(struct vcpu *v, unsigned long reqs, unsigned long done_va)
{
	struct mmu_update req;
	long rc = copy_from_guest_vcpu(v, &req, reqs, sizeof(req))
			  ?: mmu_one(v->domain, v->domain, &req);

	report_done(v, done_va, rc == 0);
	return rc;
}

/* Any batch: out of line, so the single request's path carries none of
 * its frame (the chunk buffer, the spilled arguments). */
static __attribute__((noinline)) long mmu_update_batch(struct vcpu *v, unsigned long reqs,
						       unsigned long count, unsigned long done_va,
						       unsigned long foreigndom)
{
	struct domain *d = v->domain;
	unsigned int i = 0;
	long rc;
	struct domain *fd = mmu_owner(d, foreigndom, &rc);

	while (!rc && i < count) {
		struct mmu_update req[MMU_CHUNK];
		unsigned int n = MIN(count - i, MMU_CHUNK);

		/* A chunk that cannot be read whole is redone one request at a
		 * time, so the requests before the bad one still run. */
		if (copy_from_guest_vcpu(v, req, reqs + i * sizeof(req[0]), n * sizeof(req[0]))) {
			n = 1;
			rc = copy_from_guest_vcpu(v, req, reqs + i * sizeof(req[0]),
						  sizeof(req[0]));
		}
		for (unsigned int k = 0; !rc && k < n; k++) {
			rc = mmu_one(d, fd, &req[k]);
			if (!rc)
				i++;
		}
	}
	mmu_owner_put(d, fd);
	report_done(v, done_va, i);
	return rc;
}

long do_mmu_update(struct vcpu *v, unsigned long reqs, unsigned long count, unsigned long done_va,
		   unsigned long foreigndom, unsigned long a5)
{
	count &= 0x7fffffffUL; /* Xen's continuation marker; guests never set it */
	if (count == 1 && foreigndom == DOMID_SELF)
		return mmu_update_single(v, reqs, done_va);
	return mmu_update_batch(v, reqs, count, done_va, foreigndom);
}

/* The fast paths' `done`: one store through the loaded tables, else the walk. */
static inline void mmu_fast_done(struct vcpu *v, unsigned long done_va, unsigned int done)
{
	if (done_va && unlikely(!arch_guest_va_ok(done_va, sizeof(uint32_t)) ||
				!arch_try_write_guest_u32(done_va, done)))
		report_done(v, done_va, done);
}

/*
 * The fast path's mmu_update (see the top).  The request is read once; a
 * load that faults leaves nothing read, and do_mmu_update then reads it
 * again by the walk (and decides -EFAULT).  Only guest addresses are
 * tried (arch_guest_va_ok: the hypervisor's slots are in every table).
 */
long do_mmu_update_fast(struct vcpu *v, unsigned long reqs, unsigned long count,
			unsigned long done_va, unsigned long foreigndom, unsigned long a5)
{
	struct mmu_update req;
	long rc;

	if (unlikely((count & 0x7fffffffUL) != 1 || foreigndom != DOMID_SELF ||
		     !arch_guest_va_ok(reqs, sizeof(req)) ||
		     !arch_read_guest_u64x2(reqs, &req.ptr, &req.val) ||
		     (req.ptr & 7) != MMU_NORMAL_PT_UPDATE))
		return do_mmu_update(v, reqs, count, done_va, foreigndom, a5);
	rc = pv_pt_update_own(v->domain, _gfn(req.ptr >> PAGE_SHIFT),
			      (req.ptr & (PAGE_SIZE - 1)) >> 3, req.val);
	mmu_fast_done(v, done_va, rc == 0);
	return rc;
}

/* The vCPU bitmap of a *_MULTI flush; we flush the whole domain, but the pointer must be good. */
static long read_vcpumask(struct vcpu *v, unsigned long va)
{
	unsigned long mask;

	return copy_from_guest_vcpu(v, &mask, va, sizeof(mask));
}

static long flush_after_update(struct vcpu *v, unsigned long va, unsigned long flags)
{
	struct domain *d = v->domain;
	unsigned long scope = flags & ~UVMF_FLUSHTYPE_MASK;
	long rc = 0;

	if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_NONE ||
	    (flags & UVMF_FLUSHTYPE_MASK) == UVMF_FLUSHTYPE_MASK)
		return 0;
	if (scope != UVMF_LOCAL && scope != UVMF_ALL)
		rc = read_vcpumask(v, scope);
	if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
		pv_flush_tlb(d);
	else
		pv_invlpg(d, va);
	return rc;
}

long do_update_va_mapping(struct vcpu *v, unsigned long va, unsigned long val, unsigned long flags,
			  unsigned long a4, unsigned long a5)
{
	long rc = pv_update_va_mapping(v, va, val);

	if (rc)
		return rc;
	return flush_after_update(v, va, flags);
}

static long mmuext_flush(struct vcpu *v, const struct mmuext_op *op)
{
	struct domain *d = v->domain;
	long rc = 0;

	if (op->cmd == MMUEXT_TLB_FLUSH_MULTI || op->cmd == MMUEXT_INVLPG_MULTI)
		rc = read_vcpumask(v, (unsigned long)op->arg2.vcpumask.p);
	if (rc)
		return rc;
	if (op->cmd == MMUEXT_TLB_FLUSH_LOCAL || op->cmd == MMUEXT_TLB_FLUSH_MULTI ||
	    op->cmd == MMUEXT_TLB_FLUSH_ALL)
		pv_flush_tlb(d);
	else
		pv_invlpg(d, op->arg1.linear_addr);
	return 0;
}

static long mmuext_baseptr(struct vcpu *v, const struct mmuext_op *op)
{
	gfn_t kernel = shadow_guest_root(v, false), user = shadow_guest_root(v, true);
	long rc;

	if (op->cmd == MMUEXT_NEW_BASEPTR)
		kernel = _gfn(op->arg1.mfn);
	else
		user = op->arg1.mfn ? _gfn(op->arg1.mfn) : INVALID_GFN;
	rc = pv_check_root(v->domain, _gfn(op->arg1.mfn));
	if (rc && !(op->cmd == MMUEXT_NEW_USER_BASEPTR && op->arg1.mfn == 0))
		return rc;
	rc = shadow_set_roots(v, kernel, user);
	if (!rc)
		shadow_reload(v);
	return rc;
}

static long mmuext_set_ldt(const struct mmuext_op *op)
{
	unsigned long base = op->arg1.linear_addr;

	if ((base & (PAGE_SIZE - 1)) || op->arg2.nr_ents > 8192 || base >= 0xffff800000000000UL)
		return -XEN_EINVAL;
	if (op->arg2.nr_ents) {
		printk(LOG_WARN "mmuext_op: SET_LDT with %u entries: LDTs are not supported\n",
		       op->arg2.nr_ents);
		return -XEN_EINVAL;
	}
	return 0; /* no LDT: what the vCPU already has */
}

static long mmuext_one(struct vcpu *v, struct domain *fd, const struct mmuext_op *op)
{
	struct domain *d = v->domain;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return pv_pin_table(fd, _gfn(op->arg1.mfn), op->cmd - MMUEXT_PIN_L1_TABLE + 1);
	case MMUEXT_UNPIN_TABLE:
		return pv_unpin_table(fd, _gfn(op->arg1.mfn));
	case MMUEXT_NEW_BASEPTR:
	case MMUEXT_NEW_USER_BASEPTR:
		return mmuext_baseptr(v, op);
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_MULTI:
	case MMUEXT_INVLPG_ALL:
		return mmuext_flush(v, op);
	case MMUEXT_FLUSH_CACHE:
	case MMUEXT_FLUSH_CACHE_GLOBAL:
		if (!d->is_privileged)
			return -XEN_EACCES;
		arch_flush_cache();
		return 0;
	case MMUEXT_SET_LDT:
		return mmuext_set_ldt(op);
	case MMUEXT_CLEAR_PAGE:
		return pv_clear_page(d, _gfn(op->arg1.mfn));
	case MMUEXT_COPY_PAGE:
		return pv_copy_page(d, _gfn(op->arg1.mfn), _gfn(op->arg2.src_mfn));
	case MMUEXT_MARK_SUPER:
	case MMUEXT_UNMARK_SUPER:
		return -XEN_EOPNOTSUPP;
	default:
		return -XEN_ENOSYS;
	}
}

long do_mmuext_op(struct vcpu *v, unsigned long ops, unsigned long count, unsigned long done_va,
		  unsigned long foreigndom, unsigned long a5)
{
	unsigned int i = 0;
	long rc;
	struct domain *fd = mmu_owner(v->domain, foreigndom, &rc);

	count &= 0x7fffffffUL;
	for (; !rc && i < count; i++) {
		struct mmuext_op op;

		rc = copy_from_guest_vcpu(v, &op, ops + i * sizeof(op), sizeof(op));
		if (rc)
			break;
		rc = mmuext_one(v, fd, &op);
		if (rc)
			break;
	}
	mmu_owner_put(v->domain, fd);
	report_done(v, done_va, i);
	return rc;
}

/* The fast path's mmuext_op: one op of the caller's own (see the top). */
long do_mmuext_op_fast(struct vcpu *v, unsigned long ops, unsigned long count,
		       unsigned long done_va, unsigned long foreigndom, unsigned long a5)
{
	uint64_t w[3];
	struct mmuext_op op;
	long rc;

	BUILD_BUG_ON(sizeof(op) != sizeof(w));
	if (unlikely((count & 0x7fffffffUL) != 1 || foreigndom != DOMID_SELF ||
		     !arch_guest_va_ok(ops, sizeof(op)) ||
		     !arch_read_guest_u64x3(ops, &w[0], &w[1], &w[2])))
		return do_mmuext_op(v, ops, count, done_va, foreigndom, a5);
	__builtin_memcpy(&op, w, sizeof(op)); /* moves, not a call */
	rc = mmuext_one(v, v->domain, &op);
	mmu_fast_done(v, done_va, rc == 0);
	return rc;
}
