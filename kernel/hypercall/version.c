/*
 * xen_version: what the hypervisor is and offers.
 *
 * We report the Xen interface we implement (4.17, "xen-3.0-x86_64") with
 * extraversion "-hospes", so guests that test for a minimum Xen version take
 * the paths we support.  Features (submap 0) advertise only what we do:
 * direct_mapped (a guest's frame numbers are its own frames, identity p2m)
 * and, for the privileged domain, dom0.  The domain handle is the domain id
 * in the last two bytes (we keep no UUIDs); commandline is dom0's only.
 */
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/pv.h>
#include <public/arch-x86_64.h>
#include <public/errno.h>
#include <public/features.h>
#include <public/version.h>

/* Copy a NUL-padded string into a guest buffer of exactly size bytes. */
static long put_string(struct vcpu *v, unsigned long arg, const char *s, size_t size)
{
	char buf[1024];
	ASSERT(size <= sizeof(buf));
	memset(buf, 0, size);
	memcpy(buf, s, MIN(strlen(s), size - 1));
	return copy_to_guest_vcpu(v, arg, buf, size) ? -XEN_EFAULT : 0;
}

static long get_features(struct vcpu *v, unsigned long arg)
{
	struct xen_feature_info fi;
	if (copy_from_guest_vcpu(v, &fi, arg, sizeof(fi)))
		return -XEN_EFAULT;
	if (fi.submap_idx != 0)
		return -XEN_EINVAL;
	fi.submap = 1U << XENFEAT_direct_mapped;
	if (v->domain->is_privileged)
		fi.submap |= 1U << XENFEAT_dom0;
	return copy_to_guest_vcpu(v, arg, &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
}

static long compile_info(struct vcpu *v, unsigned long arg)
{
	struct xen_compile_info ci;
	memset(&ci, 0, sizeof(ci));
	memcpy(ci.compiler, "gcc", 3);
	memcpy(ci.compile_by, "hospes", 6);
	memcpy(ci.compile_domain, "hospes", 6);
	memcpy(ci.compile_date, HOSPES_VERSION, strlen(HOSPES_VERSION));
	return copy_to_guest_vcpu(v, arg, &ci, sizeof(ci)) ? -XEN_EFAULT : 0;
}

/* Every command but XENVER_version, which do_xen_version answers itself:
 * kept out of line so the commonest query needs no stack frame. */
static __attribute__((noinline)) long xen_version_other(struct vcpu *v, int cmd, unsigned long arg)
{
	switch (cmd) {
	case XENVER_extraversion:
		return put_string(v, arg, "-hospes", sizeof(xen_extraversion_t));
	case XENVER_compile_info:
		return compile_info(v, arg);
	case XENVER_capabilities:
		return put_string(v, arg, "xen-3.0-x86_64", sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return put_string(v, arg, "hospes " HOSPES_VERSION, sizeof(xen_changeset_info_t));
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = {.virt_start = HYPERVISOR_VIRT_START};
		return copy_to_guest_vcpu(v, arg, &pp, sizeof(pp)) ? -XEN_EFAULT : 0;
	}
	case XENVER_get_features:
		return get_features(v, arg);
	case XENVER_pagesize:
		return arg ? -XEN_EINVAL : (long)PAGE_SIZE;
	case XENVER_guest_handle: {
		xen_domain_handle_t h = {0};
		h[14] = (uint8_t)(v->domain->id >> 8);
		h[15] = (uint8_t)v->domain->id;
		return copy_to_guest_vcpu(v, arg, h, sizeof(h)) ? -XEN_EFAULT : 0;
	}
	case XENVER_commandline:
		if (!v->domain->is_privileged)
			return -XEN_EPERM;
		return put_string(v, arg, hypervisor_cmdline(), sizeof(xen_commandline_t));
	default:
		return -XEN_ENOSYS;
	}
}

long do_xen_version(HYPERCALL_ARGS)
{
	if (likely((int)a1 == XENVER_version))
		return (HOSPES_XEN_MAJOR << 16) | HOSPES_XEN_MINOR;
	return xen_version_other(v, (int)a1, a2);
}
