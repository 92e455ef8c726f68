/*
 * hx sched: the credit scheduler's parameters of a domain, in the spirit
 * of xl sched-credit.  `hx sched` lists every domain's weight and cap,
 * `hx sched <domain>` shows one, `hx sched <domain> weight=N cap=N`
 * changes them (XEN_DOMCTL_scheduler_op putinfo; a setting not given is
 * passed as "unchanged", Xen's 0 for the weight and 0xffff for the cap)
 * and shows what the hypervisor now holds.
 *
 * Weight is a relative share (default 256: a domain of weight 512 gets
 * twice the CPU of one of 256 when both want it); cap is a percentage of
 * one CPU the domain may not exceed even on an idle machine (0 = none).
 */
#include "hx.h"
#include <public/errno.h>
#include <stdio.h>

#define SCHED_LIST_MAX 64

static long credit_op(domid_t id, uint32_t cmd, struct xen_domctl_sched_credit *c)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_scheduler_op, .domain = id};
	op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
	op.u.scheduler_op.cmd = cmd;
	op.u.scheduler_op.u.credit = *c;
	long rc = hx_domctl(&op);
	if (rc == 0)
		*c = op.u.scheduler_op.u.credit;
	return rc;
}

static int show(domid_t id)
{
	struct xen_domctl_sched_credit c = {0};
	char name[32];
	long rc = credit_op(id, XEN_DOMCTL_SCHEDOP_getinfo, &c);
	if (rc < 0) {
		printf("sched: domain %u: error %ld\n", id, rc);
		return 1;
	}
	hx_domname(id, name);
	printf("%-4u %-20s %6u %4u\n", id, name[0] ? name : "-", c.weight, c.cap);
	return 0;
}

static void header(void)
{
	printf("%-4s %-20s %6s %4s\n", "ID", "Name", "Weight", "Cap");
}

int hx_sched(int argc, char **argv)
{
	static char err[160];
	struct hx_sched_args a;
	domid_t id;
	if (hx_parse_sched(argc, argv, &a, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	if (a.all) {
		hx_dominfo_t info[SCHED_LIST_MAX];
		long n = hx_domains(0, info, SCHED_LIST_MAX);
		int bad = n < 0;
		header();
		for (long i = 0; i < n; i++)
			bad |= show(info[i].domain);
		return bad;
	}
	if (!hx_resolve(argv[0], &a.target, &id))
		return 1;
	if (a.weight != HX_SCHED_KEEP || a.cap != HX_SCHED_KEEP) {
		struct xen_domctl_sched_credit c = {
			.weight = a.weight == HX_SCHED_KEEP ? 0 : (uint16_t)a.weight,
			.cap = a.cap == HX_SCHED_KEEP ? 0xffff : (uint16_t)a.cap};
		long rc = credit_op(id, XEN_DOMCTL_SCHEDOP_putinfo, &c);
		if (rc < 0) {
			printf("sched: domain %u: %s (error %ld)\n", id,
			       rc == -XEN_EINVAL ? "refused: the cap must be 0 or 1..100 per vCPU"
						 : "refused",
			       rc);
			return 1;
		}
	}
	header();
	return show(id);
}
