/*
 * event_channel_op (32) and its compat form (16) from inside a guest.
 *
 * Every command on its success path and on each error Xen documents for
 * it: a loopback channel (alloc_unbound, then bind_interdomain to our own
 * port), IPIs and VIRQs, the pending bits those set in shared_info (mapped
 * over a page of ours), status of each kind of port, bind_vcpu, unmask,
 * close, reset; then the limits: port 0 (reserved), the last port, ports
 * past it, every port in use (-ENOSPC), other domains (-EPERM as a domU,
 * -ESRCH for no domain), bad pointers, unknown and FIFO commands.
 */
#include "conform.h"
#include <public/event_channel.h>

static uint8_t si_page[4096] __attribute__((aligned(4096)));

static long evtchn(unsigned int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0);
}

static struct shared_info *shared(void)
{
	return (struct shared_info *)si_page;
}

static bool pending(evtchn_port_t port)
{
	return (shared()->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void clear_pending(evtchn_port_t port)
{
	shared()->evtchn_pending[port / 64] &= ~(1UL << (port % 64));
}

#define NO_STATUS 0xffffffffU /* status_of: the call failed */

static uint32_t status_of(evtchn_port_t port, struct evtchn_status *st)
{
	st->dom = DOMID_SELF;
	st->port = port;
	return evtchn(EVTCHNOP_status, st) ? NO_STATUS : st->status;
}

static void test_loopback(void)
{
	static struct evtchn_alloc_unbound au;
	static struct evtchn_bind_interdomain bi;
	static struct evtchn_status st;
	static struct evtchn_send send;
	static struct evtchn_close cl;

	au = (struct evtchn_alloc_unbound){.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
	tg_expect(evtchn(EVTCHNOP_alloc_unbound, &au), 0, "evtchn alloc_unbound for ourselves");
	tg_check(au.port != 0, "evtchn: the new port is not the reserved port 0");
	tg_expect(status_of(au.port, &st), EVTCHNSTAT_unbound, "evtchn status: unbound");
	tg_expect(st.u.unbound.dom, conform_domid(), "evtchn status: unbound for our id");
	bi = (struct evtchn_bind_interdomain){.remote_dom = DOMID_SELF, .remote_port = au.port};
	tg_expect(evtchn(EVTCHNOP_bind_interdomain, &bi), 0, "evtchn bind_interdomain (loopback)");
	tg_check(bi.local_port != au.port && bi.local_port != 0, "evtchn: a second port");
	tg_check(pending(bi.local_port), "evtchn: bind_interdomain marks the local port pending");
	clear_pending(bi.local_port);
	tg_expect(status_of(bi.local_port, &st), EVTCHNSTAT_interdomain,
		  "evtchn status: interdomain");
	tg_expect(st.u.interdomain.port, au.port, "evtchn status: the peer port");
	tg_expect(evtchn(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL,
		  "evtchn bind_interdomain to a bound port");
	send.port = bi.local_port;
	tg_expect(evtchn(EVTCHNOP_send, &send), 0, "evtchn send");
	tg_check(pending(au.port) && !pending(bi.local_port), "evtchn send: the peer is pending");
	clear_pending(au.port);
	static struct evtchn_op compat;
	compat = (struct evtchn_op){.cmd = EVTCHNOP_send, .u.send.port = au.port};
	tg_expect(
		hypercall(__HYPERVISOR_event_channel_op_compat, (unsigned long)&compat, 0, 0, 0, 0),
		0, "event_channel_op_compat send");
	tg_check(pending(bi.local_port), "evtchn compat send: the other way");
	clear_pending(bi.local_port);
	cl.port = bi.local_port;
	tg_expect(evtchn(EVTCHNOP_close, &cl), 0, "evtchn close one end");
	tg_expect(status_of(au.port, &st), EVTCHNSTAT_unbound, "evtchn: the other end is unbound");
	tg_expect(status_of(bi.local_port, &st), EVTCHNSTAT_closed, "evtchn: the closed end");
	tg_expect(evtchn(EVTCHNOP_close, &cl), -XEN_EINVAL, "evtchn close twice");
	send.port = au.port;
	tg_expect(evtchn(EVTCHNOP_send, &send), 0, "evtchn send on an unbound port is dropped");
	cl.port = au.port;
	tg_expect(evtchn(EVTCHNOP_close, &cl), 0, "evtchn close the other end");
}

static void test_ipi_virq(void)
{
	static struct evtchn_bind_ipi ipi;
	static struct evtchn_bind_virq virq;
	static struct evtchn_bind_vcpu bv;
	static struct evtchn_status st;
	static struct evtchn_send send;
	static struct evtchn_unmask um;

	ipi.vcpu = 0;
	tg_expect(evtchn(EVTCHNOP_bind_ipi, &ipi), 0, "evtchn bind_ipi");
	tg_expect(status_of(ipi.port, &st), EVTCHNSTAT_ipi, "evtchn status: ipi");
	send.port = ipi.port;
	tg_expect(evtchn(EVTCHNOP_send, &send), 0, "evtchn send to ourselves (ipi)");
	tg_check(pending(ipi.port), "evtchn ipi: pending");
	clear_pending(ipi.port);
	bv = (struct evtchn_bind_vcpu){.port = ipi.port, .vcpu = 0};
	tg_expect(evtchn(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL, "evtchn bind_vcpu of an ipi");
	static struct evtchn_bind_ipi bad_ipi = {.vcpu = 99};
	tg_expect(evtchn(EVTCHNOP_bind_ipi, &bad_ipi), -XEN_ENOENT, "evtchn bind_ipi vcpu 99");
	virq = (struct evtchn_bind_virq){.virq = VIRQ_TIMER, .vcpu = 0};
	tg_expect(evtchn(EVTCHNOP_bind_virq, &virq), 0, "evtchn bind_virq timer");
	tg_expect(status_of(virq.port, &st), EVTCHNSTAT_virq, "evtchn status: virq");
	tg_expect(st.u.virq, VIRQ_TIMER, "evtchn status: which virq");
	tg_expect(evtchn(EVTCHNOP_bind_virq, &virq), -XEN_EEXIST, "evtchn bind_virq twice");
	bv.port = virq.port;
	tg_expect(evtchn(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL,
		  "evtchn bind_vcpu of a per-vCPU virq");
	static struct evtchn_bind_virq bad = {.virq = 99};
	tg_expect(evtchn(EVTCHNOP_bind_virq, &bad), -XEN_EINVAL, "evtchn bind_virq 99");
	bad = (struct evtchn_bind_virq){.virq = VIRQ_TIMER, .vcpu = 7};
	tg_expect(evtchn(EVTCHNOP_bind_virq, &bad), -XEN_ENOENT, "evtchn bind_virq vcpu 7");
	bad = (struct evtchn_bind_virq){.virq = VIRQ_DOM_EXC, .vcpu = 1};
	tg_expect(evtchn(EVTCHNOP_bind_virq, &bad), -XEN_EINVAL,
		  "evtchn bind_virq global on vcpu 1");
	bad.vcpu = 0;
	long rc = evtchn(EVTCHNOP_bind_virq, &bad);
	tg_expect(rc, conform_is_dom0() ? 0 : -XEN_EBUSY, "evtchn global virq: dom0 only");
	if (rc == 0) {
		static struct evtchn_close c;
		c.port = bad.port;
		tg_expect(evtchn(EVTCHNOP_close, &c), 0, "evtchn close the global virq");
	}
	um.port = virq.port;
	tg_expect(evtchn(EVTCHNOP_unmask, &um), 0, "evtchn unmask");
	um.port = EVTCHN_PORTS;
	tg_expect(evtchn(EVTCHNOP_unmask, &um), -XEN_EINVAL, "evtchn unmask past the last port");
	static struct evtchn_close cl;
	cl.port = virq.port;
	tg_expect(evtchn(EVTCHNOP_close, &cl), 0, "evtchn close virq");
	tg_expect(evtchn(EVTCHNOP_bind_virq, &virq), 0, "evtchn bind_virq again after close");
	cl.port = virq.port;
	tg_expect(evtchn(EVTCHNOP_close, &cl), 0, "evtchn close virq again");
	cl.port = ipi.port;
	tg_expect(evtchn(EVTCHNOP_close, &cl), 0, "evtchn close ipi");
}

static void test_bounds(void)
{
	static struct evtchn_send send;
	static struct evtchn_close cl;
	static struct evtchn_status st;
	static struct evtchn_alloc_unbound au;
	const evtchn_port_t bad_ports[] = {0, EVTCHN_PORTS - 1, EVTCHN_PORTS, 0x7fffffff,
					   0xffffffff};

	for (unsigned int i = 0; i < sizeof(bad_ports) / sizeof(bad_ports[0]); i++) {
		send.port = cl.port = bad_ports[i];
		tg_expect(evtchn(EVTCHNOP_send, &send), -XEN_EINVAL,
			  "evtchn send to a closed port");
		tg_expect(evtchn(EVTCHNOP_close, &cl), -XEN_EINVAL, "evtchn close a closed port");
	}
	tg_expect(status_of(0, &st), EVTCHNSTAT_closed, "evtchn status of port 0: closed");
	st.port = EVTCHN_PORTS - 1; /* as Xen: a port whose bucket was never allocated */
	tg_expect(evtchn(EVTCHNOP_status, &st), -XEN_EINVAL, "evtchn status of the last port");
	st.port = EVTCHN_PORTS;
	tg_expect(evtchn(EVTCHNOP_status, &st), -XEN_EINVAL, "evtchn status past the last port");
	/* Every port taken: the next allocation fails, reset gives them all back. */
	unsigned int n = 0, used = 0;
	long rc;
	for (evtchn_port_t p = 1; p < EVTCHN_PORTS; p++) {
		uint32_t s = status_of(p, &st);
		used += s != EVTCHNSTAT_closed && s != NO_STATUS;
	}
	au = (struct evtchn_alloc_unbound){.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
	while ((rc = evtchn(EVTCHNOP_alloc_unbound, &au)) == 0 && n < EVTCHN_PORTS)
		n++;
	tg_expect(rc, -XEN_ENOSPC, "evtchn alloc_unbound with every port in use");
	tg_check(n + used == EVTCHN_PORTS - 1, "evtchn: ports 1 to 4095 were all handed out");
	tg_expect(status_of(EVTCHN_PORTS - 1, &st), EVTCHNSTAT_unbound, "evtchn: the last port");
	static struct evtchn_reset reset = {.dom = DOMID_SELF};
	tg_expect(evtchn(EVTCHNOP_reset, &reset), 0, "evtchn reset");
	tg_expect(status_of(EVTCHN_PORTS - 1, &st), EVTCHNSTAT_closed,
		  "evtchn reset closed every port");
	tg_expect(evtchn(EVTCHNOP_alloc_unbound, &au), 0, "evtchn alloc_unbound after reset");
	tg_expect(au.port, 1, "evtchn: the lowest free port again");
	cl.port = au.port;
	tg_expect(evtchn(EVTCHNOP_close, &cl), 0, "evtchn close it");
}

static void test_others_and_pointers(void)
{
	static struct evtchn_alloc_unbound au;
	static struct evtchn_bind_interdomain bi;
	static struct evtchn_status st;
	static struct evtchn_reset reset;
	bool dom0 = conform_is_dom0();
	domid_t other = dom0 ? 0x7000 : 0;

	au = (struct evtchn_alloc_unbound){.dom = other, .remote_dom = DOMID_SELF};
	tg_expect(evtchn(EVTCHNOP_alloc_unbound, &au), dom0 ? -XEN_ESRCH : -XEN_EPERM,
		  "evtchn alloc_unbound in another domain (dom0: none; domU: dom0)");
	au.dom = 0x7001;
	tg_expect(evtchn(EVTCHNOP_alloc_unbound, &au), -XEN_ESRCH,
		  "evtchn alloc_unbound in no domain");
	st = (struct evtchn_status){.dom = other, .port = 1};
	tg_expect(evtchn(EVTCHNOP_status, &st), dom0 ? -XEN_ESRCH : -XEN_EPERM,
		  "evtchn status of another domain's port");
	reset.dom = other;
	tg_expect(evtchn(EVTCHNOP_reset, &reset), dom0 ? -XEN_ESRCH : -XEN_EPERM,
		  "evtchn reset of another domain");
	bi = (struct evtchn_bind_interdomain){.remote_dom = 0x7002, .remote_port = 1};
	tg_expect(evtchn(EVTCHNOP_bind_interdomain, &bi), -XEN_ESRCH,
		  "evtchn bind_interdomain to no domain");
	if (!dom0) {
		bi.remote_dom = 0; /* dom0's port 1 is not offered to us */
		tg_expect(evtchn(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL,
			  "evtchn bind_interdomain to a port not offered to us");
	}
	static struct evtchn_bind_pirq bp = {.pirq = 5};
	tg_expect(evtchn(EVTCHNOP_bind_pirq, &bp), dom0 ? -XEN_EINVAL : -XEN_EPERM,
		  "evtchn bind_pirq of an unmapped pirq (domU: -EPERM)");
	const unsigned long bad[] = {tg_mapping_end(), NONCANON, HV_RANGE, ~0UL - 2};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tg_expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, bad[i], 0, 0, 0),
			  -XEN_EFAULT, "evtchn send from a bad pointer");
		tg_expect(
			hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_status, bad[i], 0, 0, 0),
			-XEN_EFAULT, "evtchn status from a bad pointer");
	}
	tg_expect(hypercall(__HYPERVISOR_event_channel_op_compat, HV_RANGE, 0, 0, 0, 0),
		  -XEN_EFAULT, "event_channel_op_compat from a bad pointer");
	/* OUT fields written to a page we may read but that ends in the unmapped. */
	unsigned long edge = tg_mapping_end() - 4;
	tg_expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, edge, 0, 0, 0),
		  -XEN_EFAULT, "evtchn alloc_unbound crossing into the unmapped");
	const unsigned int unknown[] = {EVTCHNOP_init_control,
					EVTCHNOP_expand_array,
					EVTCHNOP_set_priority,
					EVTCHNOP_reset_cont,
					99,
					~0U};
	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		tg_expect(evtchn(unknown[i], &au), -XEN_ENOSYS, "evtchn unknown or FIFO command");
}

void test_evtchn(void)
{
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)si_page,
			    (tg_start_info->shared_info & ~0xfffUL) | PTE_FLAGS, UVMF_INVLPG, 0, 0),
		  0, "map shared_info");
	test_loopback();
	test_ipi_virq();
	test_bounds();
	test_others_and_pointers();
}
