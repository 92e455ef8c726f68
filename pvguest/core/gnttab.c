/*
 * Granting frames: the free list of grant references and the publish and
 * revoke protocol of a v1 grant entry.
 *
 * Publish: domid and frame first, a write barrier, then flags; the
 * hypervisor never sees a valid type beside a stale domid or frame.
 * Revoke: an entry the grantee is using carries GTF_reading/GTF_writing,
 * set by the hypervisor with a compare-and-swap on the same word; we
 * swap flags to 0 only while both bits are clear, so a map racing with
 * the revoke either sees the entry already invalid or makes our swap
 * fail (-XEN_EBUSY: the caller keeps the reference and tries later).
 *
 * Free references form a singly linked list threaded through next[]:
 * allocation and release are O(1).  One vCPU and cooperative threads:
 * no lock, but nothing here sleeps.
 *
 * Late revokes (gnttab_end): a reference whose grantee still used it
 * when its owner was done with it.  It stays handed out (never reused),
 * with the memory it covers, on a second list threaded through late[]
 * by reference, until a retry's revoke succeeds; then the memory is
 * freed and whoever waits for it is told.  One slot per reference, so
 * the list cannot fill, a reference cannot be on it twice, and it
 * outlives every frontend's rounds: a new round, a new device struct or
 * a freed one forgets nothing.  Retries come from the frontends (every
 * transfer, every state change, a caller waiting for its pages).
 */
#include "gnttab.h"

#include <public/errno.h>
#include <stdlib.h>

#define LIST_END (~0u)

static struct grant_entry_v1 *entries;
static uint32_t *next_free; /* next_free[ref]: next free ref, or LIST_END */
static uint32_t free_head = LIST_END;
static unsigned int nr_entries, used;

struct late_slot {
	void *page;	      /* freed when the revoke succeeds (NULL: not ours) */
	unsigned int *waiter; /* decremented then (NULL: nobody waits) */
	uint32_t next;	      /* the late list, or LIST_END */
	bool on;
};
static struct late_slot *late;
static uint32_t late_head = LIST_END;
unsigned int gnttab_nr_late;

bool gnttab_attach(struct grant_entry_v1 *table, unsigned int nr)
{
	uint32_t *list;
	struct late_slot *slots;

	if (nr <= GNTTAB_NR_RESERVED_ENTRIES || !(list = calloc(nr, sizeof(*list))))
		return false;
	if (!(slots = calloc(nr, sizeof(*slots)))) {
		free(list);
		return false;
	}
	free(next_free);
	free(late);
	entries = table;
	next_free = list;
	late = slots;
	nr_entries = nr;
	used = 0;
	free_head = late_head = LIST_END;
	gnttab_nr_late = 0;
	for (uint32_t r = nr; r-- > GNTTAB_NR_RESERVED_ENTRIES;) {
		next_free[r] = free_head;
		free_head = r;
	}
	return true;
}

int gnttab_grant(uint16_t domid, unsigned long frame, bool readonly)
{
	uint32_t ref = free_head;

	if (ref == LIST_END)
		return -XEN_ENOSPC;
	free_head = next_free[ref];
	next_free[ref] = ref; /* marks "handed out" */
	used++;
	entries[ref].domid = domid;
	entries[ref].frame = (uint32_t)frame;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&entries[ref].flags, GTF_permit_access | (readonly ? GTF_readonly : 0),
			 __ATOMIC_RELEASE);
	return (int)ref;
}

int gnttab_revoke(grant_ref_t ref)
{
	if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= nr_entries || next_free[ref] != ref)
		return -XEN_EINVAL;
	uint16_t old = __atomic_load_n(&entries[ref].flags, __ATOMIC_ACQUIRE);
	do {
		if (old & (GTF_reading | GTF_writing))
			return -XEN_EBUSY;
	} while (!__atomic_compare_exchange_n(&entries[ref].flags, &old, 0, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	next_free[ref] = free_head;
	free_head = ref;
	used--;
	return 0;
}

int gnttab_end(grant_ref_t ref, void *page, unsigned int *waiter)
{
	int rc;

	if (ref < nr_entries && late[ref].on)
		return -XEN_EINVAL;
	if ((rc = gnttab_revoke(ref)) != -XEN_EBUSY) {
		if (!rc)
			free(page);
		return rc;
	}
	late[ref] =
		(struct late_slot){.page = page, .waiter = waiter, .next = late_head, .on = true};
	late_head = ref;
	gnttab_nr_late++;
	if (waiter)
		(*waiter)++;
	return 1;
}

unsigned int gnttab_retry_late(void)
{
	for (uint32_t *link = &late_head; *link != LIST_END;) {
		uint32_t ref = *link;
		struct late_slot *s = &late[ref];
		if (gnttab_revoke(ref) != 0) {
			link = &s->next;
			continue;
		}
		*link = s->next;
		free(s->page);
		if (s->waiter)
			(*s->waiter)--;
		*s = (struct late_slot){.next = LIST_END};
		gnttab_nr_late--;
	}
	return gnttab_nr_late;
}

unsigned int gnttab_late_to(uint16_t domid)
{
	unsigned int n = 0;

	for (uint32_t ref = late_head; ref != LIST_END; ref = late[ref].next)
		n += entries[ref].domid == domid;
	return n;
}

bool gnttab_ready(void)
{
	return entries != NULL;
}

unsigned int gnttab_in_use(void)
{
	return used;
}
