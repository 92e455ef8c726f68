/*
 * grant_table_op (hypercall 20): the trust boundary of grant tables.
 *
 * grant_table_op(cmd, uops, count): map, unmap and copy take an array of
 * count structures, copied in, carried out one by one (kernel/grant/) and
 * copied back, each with its own status, so a bad element fails alone.
 * setup_table, query_size, set_version and get_version take exactly one
 * structure (count 1, else -EINVAL, as Xen).  The hypercall returns 0, or
 * -EFAULT when the array (or setup_table's frame list) can't be accessed,
 * or -ENOSYS for commands Hospes does not offer (transfer, dump_table,
 * unmap_and_replace, the v2 and cache commands).
 */
#include <hospes/grant.h>
#include <hospes/guest_access.h>
#include <public/errno.h>

typedef void (*batch_fn)(struct vcpu *v, void *op);

#define BATCH_BYTES 640 /* copied in and out at once: 16 copies, 20 maps */

/*
 * Elements go in and out in chunks of BATCH_BYTES (each guest copy walks
 * the guest's page tables, so one walk per chunk rather than two per
 * element); a chunk that cannot be read whole is redone one element at a
 * time, so the elements before a bad one are still carried out.
 */
static long batch(struct vcpu *v, unsigned long uops, unsigned long count, size_t size, batch_fn fn)
{
	uint64_t buf[BATCH_BYTES / sizeof(uint64_t)];
	unsigned long per = BATCH_BYTES / size;

	for (unsigned long i = 0; i < count;) {
		unsigned long n = count - i < per ? count - i : per;
		unsigned long va = uops + i * size;

		if (copy_from_guest_vcpu(v, buf, va, n * size)) {
			if (n == 1)
				return -XEN_EFAULT;
			per = 1;
			continue;
		}
		for (unsigned long k = 0; k < n; k++)
			fn(v, (char *)buf + k * size);
		if (copy_to_guest_vcpu(v, va, buf, n * size))
			return -XEN_EFAULT;
		i += n;
	}
	return 0;
}

static void map_fn(struct vcpu *v, void *op)
{
	gnttab_map(v, op);
}

static void unmap_fn(struct vcpu *v, void *op)
{
	gnttab_unmap(v, op);
}

static void copy_fn(struct vcpu *v, void *op)
{
	gnttab_copy(v, op);
}

static long setup_table(struct vcpu *v, unsigned long uop)
{
	struct gnttab_setup_table op;
	xen_pfn_t frames[64];

	if (copy_from_guest_vcpu(v, &op, uop, sizeof(op)))
		return -XEN_EFAULT;
	if (op.nr_frames > sizeof(frames) / sizeof(frames[0]))
		op.status = GNTST_general_error;
	else
		gnttab_setup_table(v, &op, frames);
	if (op.status == GNTST_okay && copy_to_guest_vcpu(v, guest_handle_va(op.frame_list), frames,
							  op.nr_frames * sizeof(frames[0])))
		return -XEN_EFAULT;
	return copy_to_guest_vcpu(v, uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

static long query_size(struct vcpu *v, unsigned long uop)
{
	struct gnttab_query_size op;

	if (copy_from_guest_vcpu(v, &op, uop, sizeof(op)))
		return -XEN_EFAULT;
	gnttab_query_size(v, &op);
	return copy_to_guest_vcpu(v, uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

static long version_op(struct vcpu *v, unsigned long cmd, unsigned long uop)
{
	union {
		struct gnttab_set_version set;
		struct gnttab_get_version get;
	} op;
	size_t size = cmd == GNTTABOP_set_version ? sizeof(op.set) : sizeof(op.get);
	long rc;

	if (copy_from_guest_vcpu(v, &op, uop, size))
		return -XEN_EFAULT;
	if (cmd == GNTTABOP_set_version) {
		rc = gnttab_set_version(v, &op.set);
		op.set.version = 1; /* the version in force is reported back */
	} else {
		rc = gnttab_get_version(v, &op.get);
	}
	if ((rc == 0 || cmd == GNTTABOP_set_version) && copy_to_guest_vcpu(v, uop, &op, size))
		return -XEN_EFAULT;
	return rc;
}

long do_grant_table_op(struct vcpu *v, unsigned long cmd, unsigned long uops, unsigned long count,
		       unsigned long a4, unsigned long a5)
{
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return batch(v, uops, count, sizeof(struct gnttab_map_grant_ref), map_fn);
	case GNTTABOP_unmap_grant_ref:
		return batch(v, uops, count, sizeof(struct gnttab_unmap_grant_ref), unmap_fn);
	case GNTTABOP_copy:
		return batch(v, uops, count, sizeof(struct gnttab_copy), copy_fn);
	case GNTTABOP_setup_table:
		return count == 1 ? setup_table(v, uops) : -XEN_EINVAL;
	case GNTTABOP_query_size:
		return count == 1 ? query_size(v, uops) : -XEN_EINVAL;
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
		return count == 1 ? version_op(v, cmd, uops) : -XEN_EINVAL;
	default:
		return -XEN_ENOSYS;
	}
}
