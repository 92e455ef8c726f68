/*
 * Host tests of physdev_op, the PIRQ layer and the port-I/O emulation:
 * vIOPL and the I/O bitmap decide which in/out of the driver domain are
 * carried out, the hypervisor's ports never are; a GSI maps to a PIRQ,
 * binding unmasks it, a level interrupt masks the line until the EOI, an
 * edge one does not; every command is refused to a domU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/xen.h>
#include <hospes/domain_ctl.h>
#include <hospes/event.h>
#include <hospes/hypercall.h>
#include <hospes/io_emul.h>
#include <hospes/p2m.h>
#include <hospes/pirq.h>
#include <hospes/pv_mmu.h>
#include <hospes/shadow.h>
#include <hospes/pv.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include "env.h"
#include "fake_pirq.h"

int run_physdev_tests(void);

extern bool fake_gsi_enabled[PIRQ_MAX_GSI], fake_gsi_masked[PIRQ_MAX_GSI];
extern unsigned int fake_io_last_port, fake_io_last_size;
extern uint32_t fake_io_last_out;

#define ARG  (GVA + 0x2000)
#define CODE (GVA + 0x3000)
#define BMAP (GVA + 0x4000)

static int setup(void **state)
{
	env_setup();
	pirq_init();
	return 0;
}

static int teardown(void **state)
{
	env_teardown();
	return 0;
}

static long physdev(struct vcpu *v, int cmd, const void *arg, size_t n)
{
	memcpy(gptr(ARG), arg, n);
	return do_physdev_op(v, (unsigned long)cmd, ARG, 0, 0, 0);
}

static long map_pirq(struct vcpu *v, int line, int *pirq)
{
	struct physdev_map_pirq m = {
		.domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = line, .pirq = line};
	long rc = physdev(v, PHYSDEVOP_map_pirq, &m, sizeof(m));

	memcpy(&m, gptr(ARG), sizeof(m));
	*pirq = m.pirq;
	return rc;
}

static long bind(unsigned int pirq, evtchn_port_t *port)
{
	struct evtchn_bind_pirq b = {.pirq = pirq};
	long rc = evtchn_bind_pirq(dom0, &b);

	*port = b.port;
	return rc;
}

static bool pending(struct domain *d, evtchn_port_t port)
{
	return d->shared_info->evtchn_pending[port / 64] & (1UL << (port % 64));
}

static void test_pirq_level_and_edge(void **state)
{
	int pirq;
	evtchn_port_t port, eport;
	struct physdev_irq_status_query q = {.irq = 17};

	assert_int_equal(map_pirq(v0, 17, &pirq), 0);
	assert_int_equal(pirq, 17);
	assert_int_equal(map_pirq(v0, 17, &pirq), 0); /* again: the same PIRQ */
	assert_false(fake_gsi_enabled[17]);
	assert_int_equal(bind(17, &port), 0);
	assert_true(fake_gsi_enabled[17] && !fake_gsi_masked[17]);
	assert_int_equal(physdev(v0, PHYSDEVOP_irq_status_query, &q, sizeof(q)), 0);
	memcpy(&q, gptr(ARG), sizeof(q));
	assert_int_equal(q.flags, XENIRQSTAT_needs_eoi);
	/* a level interrupt: event pending, line masked until the EOI */
	pirq_interrupt(17);
	assert_true(pending(dom0, port));
	assert_true(fake_gsi_masked[17]);
	struct physdev_eoi eoi = {.irq = 17};
	assert_int_equal(physdev(v0, PHYSDEVOP_eoi, &eoi, sizeof(eoi)), 0);
	assert_false(fake_gsi_masked[17]);
	/* an edge line needs no EOI and is never masked by an interrupt */
	assert_int_equal(map_pirq(v0, 3, &pirq), 0);
	assert_int_equal(bind(3, &eport), 0);
	q.irq = 3;
	assert_int_equal(physdev(v0, PHYSDEVOP_irq_status_query, &q, sizeof(q)), 0);
	memcpy(&q, gptr(ARG), sizeof(q));
	assert_int_equal(q.flags, 0);
	pirq_interrupt(3);
	assert_true(pending(dom0, eport));
	assert_false(fake_gsi_masked[3]);
	/* an interrupt of a line nobody bound is dropped */
	pirq_interrupt(9);
	pirq_interrupt(PIRQ_MAX_GSI + 5);
	/* close masks the line; unmap after unbind */
	struct physdev_unmap_pirq u = {.domid = DOMID_SELF, .pirq = 17};
	assert_int_equal(physdev(v0, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), -XEN_EBUSY);
	assert_int_equal(evtchn_close(dom0, port), 0);
	assert_true(fake_gsi_masked[17]);
	assert_int_equal(physdev(v0, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), 0);
	assert_int_equal(physdev(v0, PHYSDEVOP_eoi, &eoi, sizeof(eoi)), -XEN_EINVAL);
}

static void test_pirq_errors(void **state)
{
	int pirq;
	struct physdev_map_pirq m = {.domid = 9, .type = MAP_PIRQ_TYPE_GSI, .index = 5, .pirq = -1};

	assert_int_equal(map_pirq(v0, 4, &pirq), -XEN_EBUSY); /* the hypervisor's COM1 */
	assert_int_equal(map_pirq(v0, 0, &pirq), -XEN_EBUSY);
	assert_int_equal(map_pirq(v0, 40, &pirq), -XEN_EINVAL); /* no such GSI */
	assert_int_equal(physdev(v0, PHYSDEVOP_map_pirq, &m, sizeof(m)), -XEN_EINVAL);
	m.domid = DOMID_SELF;
	m.type = 7;
	assert_int_equal(physdev(v0, PHYSDEVOP_map_pirq, &m, sizeof(m)), -XEN_EINVAL);
	m.type = MAP_PIRQ_TYPE_GSI;
	m.pirq = 6;
	assert_int_equal(physdev(v0, PHYSDEVOP_map_pirq, &m, sizeof(m)), -XEN_EINVAL);
	evtchn_port_t port;
	assert_int_equal(bind(5, &port), -XEN_EINVAL); /* not mapped */
	assert_int_equal(do_physdev_op(v0, PHYSDEVOP_eoi, 0x10, 0, 0, 0), -XEN_EFAULT);
	assert_int_equal(do_physdev_op(v0, 99, ARG, 0, 0, 0), -XEN_ENOSYS);
	/* every command is refused to a domU */
	static const int cmds[] = {PHYSDEVOP_set_iopl, PHYSDEVOP_set_iobitmap,
				   PHYSDEVOP_map_pirq, PHYSDEVOP_unmap_pirq,
				   PHYSDEVOP_eoi,      PHYSDEVOP_irq_status_query};
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(do_physdev_op(vu, (unsigned long)cmds[i], ARG, 0, 0, 0),
				 -XEN_EPERM);
}

static long map_msi(struct vcpu *v, int type, int bus, int devfn, uint64_t table, int *pirq)
{
	struct physdev_map_pirq m = {.domid = DOMID_SELF,
				     .type = type,
				     .index = -1,
				     .pirq = *pirq,
				     .bus = bus,
				     .devfn = devfn,
				     .table_base = table};
	long rc = physdev(v, PHYSDEVOP_map_pirq, &m, sizeof(m));

	memcpy(&m, gptr(ARG), sizeof(m));
	*pirq = m.pirq;
	return rc;
}

static struct fake_msi_dev *add_msi_dev(unsigned int i, uint16_t sbdf)
{
	fake_msi_devs[i] = (struct fake_msi_dev){.present = true, .sbdf = sbdf, .slot = -1};
	return &fake_msi_devs[i];
}

/* MSI: the hypervisor picks the PIRQ and vector slot, programs the
 * message at map time, enables it only while bound; an edge, no EOI. */
static void test_msi_map_bind_unmap(void **state)
{
	memset(fake_msi_devs, 0, sizeof(fake_msi_devs));
	struct fake_msi_dev *ahci = add_msi_dev(0, 0x00fa), *nic = add_msi_dev(1, 0x0100);
	int pirq = -1, pirq2 = -1, again = -1;
	evtchn_port_t port;

	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 0, 0xfa, 0, &pirq), 0);
	assert_in_range(pirq, PIRQ_MSI_BASE, PIRQ_MSI_BASE + PIRQ_MSI_NR - 1);
	assert_int_equal(ahci->slot, pirq - PIRQ_MSI_BASE);
	assert_false(ahci->enabled);
	/* mapped again: the same PIRQ; another function: another slot */
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 0, 0xfa, 0, &again), 0);
	assert_int_equal(again, pirq);
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI_SEG, 1, 0, 0, &pirq2), 0);
	assert_int_not_equal(pirq2, pirq);
	assert_int_not_equal(nic->slot, ahci->slot);
	/* bind enables it; it is an edge: no EOI needed, never masked */
	assert_int_equal(bind((unsigned int)pirq, &port), 0);
	assert_true(ahci->enabled);
	assert_false(nic->enabled);
	struct physdev_irq_status_query q = {.irq = (uint32_t)pirq};
	assert_int_equal(physdev(v0, PHYSDEVOP_irq_status_query, &q, sizeof(q)), 0);
	memcpy(&q, gptr(ARG), sizeof(q));
	assert_int_equal(q.flags, 0);
	pirq_msi_interrupt((unsigned int)ahci->slot);
	assert_true(pending(dom0, port));
	dom0->shared_info->evtchn_pending[port / 64] = 0;
	pirq_msi_interrupt((unsigned int)nic->slot); /* mapped, not bound: dropped */
	pirq_msi_interrupt(PIRQ_MSI_NR + 3);	     /* no such slot */
	struct physdev_eoi eoi = {.irq = (uint32_t)pirq};
	assert_int_equal(physdev(v0, PHYSDEVOP_eoi, &eoi, sizeof(eoi)), 0);
	assert_false(pending(dom0, port));
	/* close disables it; unmap frees the slot for the next function */
	struct physdev_unmap_pirq u = {.domid = DOMID_SELF, .pirq = pirq};
	assert_int_equal(physdev(v0, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), -XEN_EBUSY);
	assert_int_equal(evtchn_close(dom0, port), 0);
	assert_false(ahci->enabled);
	int slot = ahci->slot;
	assert_int_equal(physdev(v0, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), 0);
	assert_int_equal(ahci->slot, -1);
	struct fake_msi_dev *third = add_msi_dev(2, 0x0208);
	int pirq3 = -1;
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 2, 8, 0, &pirq3), 0);
	assert_int_equal(third->slot, slot);
	/* the domain's death unmaps the rest */
	assert_int_equal(bind((unsigned int)pirq3, &port), 0);
	assert_true(third->enabled);
	pirq_domain_destroy(dom0);
	assert_false(third->enabled);
	assert_int_equal(third->slot, -1);
	assert_int_equal(nic->slot, -1);
}

static void test_msi_errors(void **state)
{
	memset(fake_msi_devs, 0, sizeof(fake_msi_devs));
	int pirq = -1;

	add_msi_dev(0, 0x0010);
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 0, 0x18, 0, &pirq), -XEN_ENODEV);
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 256, 0x10, 0, &pirq), -XEN_EINVAL);
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, -1, 0x10, 0, &pirq), -XEN_EINVAL);
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 0, 256, 0, &pirq), -XEN_EINVAL);
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI_SEG, 1 << 16, 0x10, 0, &pirq),
			 -XEN_EINVAL); /* segment 1 */
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 0, 0x10, 0xfebf0000, &pirq),
			 -XEN_EOPNOTSUPP); /* MSI-X */
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MULTI_MSI, 0, 0x10, 0, &pirq), -XEN_EOPNOTSUPP);
	pirq = 70; /* the hypervisor chooses */
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 0, 0x10, 0, &pirq), -XEN_EINVAL);
	assert_int_equal(fake_msi_devs[0].slot, -1);
	/* a domU: -EPERM, nothing programmed */
	pirq = -1;
	assert_int_equal(map_msi(vu, MAP_PIRQ_TYPE_MSI, 0, 0x10, 0, &pirq), -XEN_EPERM);
	struct pirq_msi_args a = {.bus = 0, .devfn = 0x10};
	assert_int_equal(pirq_map_msi(domu, &a, &pirq), -XEN_EPERM);
	assert_int_equal(fake_msi_devs[0].slot, -1);
	/* the pool runs out: -ENOSPC, and a later unmap makes room */
	for (unsigned int i = 0; i < PIRQ_MSI_NR + 1; i++)
		add_msi_dev(i, (uint16_t)(0x0300 + i));
	int first = -1;
	for (unsigned int i = 0; i < PIRQ_MSI_NR; i++) {
		pirq = -1;
		assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 3, (int)i, 0, &pirq), 0);
		first = i ? first : pirq;
	}
	pirq = -1;
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 3, PIRQ_MSI_NR, 0, &pirq), -XEN_ENOSPC);
	struct physdev_unmap_pirq u = {.domid = DOMID_SELF, .pirq = first};
	assert_int_equal(physdev(v0, PHYSDEVOP_unmap_pirq, &u, sizeof(u)), 0);
	assert_int_equal(map_msi(v0, MAP_PIRQ_TYPE_MSI, 3, PIRQ_MSI_NR, 0, &pirq), 0);
	assert_int_equal(pirq, first);
}

/* ECAM-like device memory: dom0 may map it read-only, never writable. */
static void test_mmio_readonly(void **state)
{
	const unsigned long ecam = 0xe0000; /* frames at 3.5 GiB, far above dom0's RAM */
	(void)state;
	assert_int_equal(p2m_lookup(dom0, _gfn(ecam)).type, P2M_MMIO);
	assert_true(p2m_lookup(dom0, _gfn(ecam)).writable);
	p2m_mmio_readonly(_mfn(ecam), 256);
	struct p2m_lookup in = p2m_lookup(dom0, _gfn(ecam + 255));
	assert_int_equal(in.type, P2M_MMIO);
	assert_false(in.writable);
	assert_true(p2m_lookup(dom0, _gfn(ecam + 256)).writable);
	assert_true(p2m_lookup(dom0, _gfn(ecam - 1)).writable);
	uint64_t pte = (ecam + 3) << PAGE_SHIFT | PTE_P;
	assert_int_equal(pv_validate_entry(dom0, dom0, 1, 0, pte), 0);
	assert_int_equal(pv_validate_entry(dom0, dom0, 1, 0, pte | PTE_RW), -XEN_EINVAL);
	assert_int_equal(
		pv_validate_entry(dom0, dom0, 1, 0, (ecam + 256) << PAGE_SHIFT | PTE_P | PTE_RW),
		0);
}

static void test_io_decode(void **state)
{
	struct io_insn io;

	assert_int_equal(io_decode((const uint8_t *)"\xec", 1, &io), 0);
	assert_true(io.in && io.dx && io.size == 1 && io.len == 1);
	assert_int_equal(io_decode((const uint8_t *)"\x66\xef", 2, &io), 0);
	assert_true(!io.in && io.dx && io.size == 2 && io.len == 2);
	assert_int_equal(io_decode((const uint8_t *)"\xe5\x71", 2, &io), 0);
	assert_true(io.in && !io.dx && io.size == 4 && io.imm == 0x71 && io.len == 2);
	assert_int_equal(io_decode((const uint8_t *)"\xe6", 1, &io), -1); /* imm cut off */
	assert_int_equal(io_decode((const uint8_t *)"\x6c", 1, &io), -1); /* insb: not emulated */
	assert_int_equal(io_decode((const uint8_t *)"\x0f\x0b", 2, &io), -1);
	assert_int_equal(io_decode((const uint8_t *)"\x66\x66\x66\x66", 4, &io), -1);
	assert_true(io_port_reserved(0x3f8, 1) && io_port_reserved(0x3fc, 4));
	assert_true(io_port_reserved(0xf4, 1) && io_port_reserved(0x1e, 4)); /* 0x1e-0x21 */
	assert_false(io_port_reserved(0x2f8, 1) || io_port_reserved(0xcf8, 4));
}

static int emulate(struct vcpu *v, bool kernel, const char *code, size_t n, unsigned long *rax,
		   unsigned long rdx, unsigned int *len)
{
	memcpy(gptr(CODE), code, n);
	return io_emulate(v, kernel, CODE, rax, rdx, len);
}

static void test_io_emulation(void **state)
{
	unsigned long rax = 0xaaaaaaaaaaaaaaaaUL;
	unsigned int len = 0;
	struct physdev_set_iopl iopl = {.iopl = 1};

	/* no vIOPL, no bitmap: nothing */
	assert_int_equal(emulate(v0, true, "\xec", 1, &rax, 0x2f8, &len), -1);
	assert_int_equal(physdev(v0, PHYSDEVOP_set_iopl, &iopl, sizeof(iopl)), 0);
	assert_int_equal(emulate(v0, true, "\xec", 1, &rax, 0x2f8, &len), 0);
	assert_int_equal(len, 1);
	assert_int_equal(rax, 0xaaaaaaaaaaaaaa78UL);
	assert_int_equal(fake_io_last_port, 0x2f8);
	assert_int_equal(emulate(v0, true, "\x66\xed", 2, &rax, 0x1f0, &len), 0);
	assert_int_equal(rax, 0xaaaaaaaaaaaa5678UL);
	assert_int_equal(emulate(v0, true, "\xed", 1, &rax, 0xcfc, &len), 0);
	assert_int_equal(rax, 0x12345678UL); /* 32-bit: upper half cleared */
	rax = 0x1122334455667788UL;
	assert_int_equal(emulate(v0, true, "\xe6\x80", 2, &rax, 0, &len), 0);
	assert_int_equal(len, 2);
	assert_true(fake_io_last_port == 0x80 && fake_io_last_size == 1 &&
		    fake_io_last_out == 0x88);
	/* vIOPL 1 is the kernel's only; the hypervisor's ports never */
	assert_int_equal(emulate(v0, false, "\xec", 1, &rax, 0x2f8, &len), -1);
	assert_int_equal(emulate(v0, true, "\xee", 1, &rax, 0x3f8, &len), -1);
	assert_int_equal(emulate(v0, true, "\xe6\xf4", 2, &rax, 0, &len), -1);
	assert_int_equal(emulate(v0, true, "\xef", 1, &rax, 0xffff, &len), -1); /* past 64K */
	iopl.iopl = 4;
	assert_int_equal(physdev(v0, PHYSDEVOP_set_iopl, &iopl, sizeof(iopl)), -XEN_EINVAL);
	iopl.iopl = 0;
	assert_int_equal(physdev(v0, PHYSDEVOP_set_iopl, &iopl, sizeof(iopl)), 0);
	/* the bitmap: ports 0x60 and 0x64 allowed, in user mode too */
	uint8_t *bm = gptr(BMAP);
	memset(bm, 0xff, 0x20);
	bm[0x60 / 8] &= (uint8_t) ~(1U << (0x60 % 8));
	bm[0x64 / 8] &= (uint8_t) ~(1U << (0x64 % 8));
	struct physdev_set_iobitmap s = {.nr_ports = 0x100};
	s.bitmap.p = (uint8_t *)(BMAP);
	assert_int_equal(physdev(v0, PHYSDEVOP_set_iobitmap, &s, sizeof(s)), 0);
	assert_int_equal(emulate(v0, false, "\xe4\x60", 2, &rax, 0, &len), 0);
	assert_int_equal(emulate(v0, false, "\xe4\x61", 2, &rax, 0, &len), -1);
	assert_int_equal(emulate(v0, true, "\x66\xe5\x60", 3, &rax, 0, &len), -1); /* 0x61 too */
	assert_int_equal(emulate(v0, true, "\xec", 1, &rax, 0x300, &len), -1); /* beyond nr_ports */
	s.nr_ports = 65537;
	assert_int_equal(physdev(v0, PHYSDEVOP_set_iobitmap, &s, sizeof(s)), -XEN_EINVAL);
	/* a domU: never, even with the same instruction */
	assert_int_equal(emulate(vu, true, "\xe4\x60", 2, &rax, 0, &len), -1);
	/* an instruction at the end of guest memory */
	assert_int_equal(io_emulate(v0, true, GVA + GMEM_SIZE - 1, &rax, 0, &len), -1);
}

int run_physdev_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pirq_level_and_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pirq_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msi_map_bind_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msi_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmio_readonly, setup, teardown),
		cmocka_unit_test(test_io_decode),
		cmocka_unit_test_setup_teardown(test_io_emulation, setup, teardown),
	};
	return cmocka_run_group_tests_name("physdev", tests, NULL, NULL);
}
