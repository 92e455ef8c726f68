/*
 * GNTTABOP_copy: copy bytes between two frames, each named by a grant
 * (another domain's, or the caller's own) or by a frame of the caller.
 *
 * Both sides are checked before any byte moves: offset + length within
 * the page on each side (GNTST_bad_copy_arg), a plain frame only of the
 * caller itself (GNTST_permission_denied otherwise), a grant that allows
 * reading the source and writing the destination.  Each grant side holds a
 * use of its entry, a reference on its granter and the granted frame for
 * the duration of the copy, so neither a revocation nor the granter's
 * death can pull the frame away underneath; all are dropped afterwards.
 */
#include "grant_private.h"

#include <hospes/arch.h>
#include <hospes/lib.h>

struct copy_side {
	struct domain *rd; /* the granter, if a grant */
	grant_ref_t ref;
	bool write;
	mfn_t mfn;
};

static int copy_side_get(struct vcpu *v, const struct gnttab_copy_ptr *p, bool is_gref, bool write,
			 struct copy_side *s)
{
	s->rd = NULL;
	s->write = write;
	if (!is_gref) {
		if (p->domid != DOMID_SELF && p->domid != v->domain->id)
			return GNTST_permission_denied;
		return gnttab_mm_frame(v->domain, p->u.gmfn, write, &s->mfn);
	}
	struct domain *rd = grant_target(v->domain, p->domid);
	if (!rd)
		return GNTST_bad_domain;
	int rc = grant_acquire(rd, p->u.ref, v->domain->id, write, &s->mfn);
	if (rc) {
		domain_put(rd);
		return rc;
	}
	s->rd = rd; /* keeps grant_target's reference until copy_side_put */
	s->ref = p->u.ref;
	return GNTST_okay;
}

static void copy_side_put(struct copy_side *s)
{
	if (!s->rd)
		return;
	grant_release(s->rd, s->ref, s->write);
	gnttab_mm_frame_put(s->mfn);
	domain_put(s->rd);
}

void gnttab_copy(struct vcpu *v, struct gnttab_copy *op)
{
	struct copy_side src, dst;
	int rc;

	if ((op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref)) ||
	    op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE) {
		op->status = GNTST_bad_copy_arg;
		return;
	}
	rc = copy_side_get(v, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
	if (rc) {
		op->status = (int16_t)rc;
		return;
	}
	rc = copy_side_get(v, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
	if (!rc) {
		char *to = (char *)mfn_to_virt(dst.mfn) + op->dest.offset;
		const char *from = (const char *)mfn_to_virt(src.mfn) + op->source.offset;
		if (mfn_eq(dst.mfn, src.mfn)) /* only then can the ranges overlap */
			memmove(to, from, op->len);
		else
			memcpy(to, from, op->len);
		copy_side_put(&dst);
	}
	copy_side_put(&src);
	op->status = (int16_t)rc;
}
