/*
 * The fakes the privileged-interface tests need: guest memory as one host
 * buffer at GVA (anything outside it faults), time and timers that never
 * fire by themselves, the log ring, CPU facts; and dom0 plus a domU built
 * with the real domain code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/xen.h>
#include <hospes/domain_ctl.h>
#include <hospes/frame.h>
#include <hospes/hypercall.h>
#include <hospes/guest_access.h>
#include <hospes/log_ring.h>
#include <hospes/mm.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <hospes/time.h>
#include <public/errno.h>
#include "env.h"

void fake_frame_init(void);

struct domain *dom0, *domu;
struct vcpu *v0, *vu;

static uint8_t gmem[GMEM_SIZE] __attribute__((aligned(4096)));

void *gptr(unsigned long va)
{
	assert_true(va >= GVA && va < GVA + GMEM_SIZE);
	return gmem + (va - GVA);
}

static bool in_window(unsigned long va, size_t len)
{
	return va >= GVA && len <= GMEM_SIZE && va - GVA <= GMEM_SIZE - len;
}

int copy_from_guest_vcpu(struct vcpu *v, void *dst, unsigned long va, size_t len)
{
	if (!in_window(va, len))
		return -XEN_EFAULT;
	memcpy(dst, gmem + (va - GVA), len);
	return 0;
}

int copy_to_guest_vcpu(struct vcpu *v, unsigned long va, const void *src, size_t len)
{
	if (!in_window(va, len))
		return -XEN_EFAULT;
	memcpy(gmem + (va - GVA), src, len);
	return 0;
}

long read_guest_u32(struct vcpu *v, unsigned long va)
{
	uint32_t x;

	return copy_from_guest_vcpu(v, &x, va, sizeof(x)) ?: (long)x;
}

int write_guest_u32(struct vcpu *v, unsigned long va, uint32_t x)
{
	return copy_to_guest_vcpu(v, va, &x, sizeof(x));
}

int copy_from_guest(void *dst, unsigned long va, size_t len)
{
	return copy_from_guest_vcpu(NULL, dst, va, len);
}

int copy_to_guest(unsigned long va, const void *src, size_t len)
{
	return copy_to_guest_vcpu(NULL, va, src, len);
}

struct vcpu *current_vcpu(void)
{
	return v0;
}

/* ---- time, timers, CPUs ------------------------------------------------ */

uint64_t cpu_khz = 2000000;
unsigned int nr_cpus_online = 2;

uint64_t now_ns(void)
{
	return 1000;
}

void timer_init(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
}

void timer_set(struct timer *t, uint64_t expires)
{
	t->expires_ns = expires;
}

void timer_cancel(struct timer *t)
{
	t->expires_ns = 0;
}

/* The arch's per-CPU counters: CPU c reports halts 10c+1, switches
 * 10c+2, polls 10c+3 .. saved IPIs 10c+6, CR3 writes of reason i
 * 100c+i and flush IPIs 1000c+9 (what the sysctl test expects). */
void arch_cpu_counters(unsigned int cpu, struct hospes_cpustat *st)
{
	st->halts = 10 * cpu + 1;
	st->switches = 10 * cpu + 2;
	st->polls = 10 * cpu + 3;
	st->poll_hits = 10 * cpu + 4;
	st->sched_ipis = 10 * cpu + 5;
	st->sched_ipis_saved = 10 * cpu + 6;
	for (unsigned int i = 0; i <= HOSPES_CR3_OTHER; i++)
		st->cr3[i] = 100 * cpu + i;
	st->tlb_ipis = 1000 * cpu + 9;
}

unsigned long frame_total_count(void)
{
	return ENV_FRAMES;
}

/* ---- the log ring -------------------------------------------------------- */

static char log_buf[256];
struct log_ring test_log = {log_buf, sizeof(log_buf), 0};

size_t log_ring_read(uint64_t *pos, char *buf, size_t len)
{
	return ring_read(&test_log, pos, buf, len);
}

void log_append(const char *s)
{
	ring_write(&test_log, s, strlen(s));
}

/* ---- domains ------------------------------------------------------------- */

static struct domain *make(domid_t id, bool priv, unsigned long pages)
{
	struct domain_config cfg = {
		.id = id, .privileged = priv, .max_vcpus = 1, .nr_pages = pages, .name = "t"};
	struct domain *d = NULL;

	assert_int_equal(domain_create(&cfg, &d), 0);
	return d;
}

void env_setup(void)
{
	fake_mem_init(ENV_FRAMES);
	fake_frame_init();
	assert_int_equal(frame_table_init(ENV_FRAMES), 0);
	sched_init(2);
	memset(gmem, 0, sizeof(gmem));
	test_log.head = 0;
	dom0 = make(0, true, 256);
	domu = make(9, false, 64);
	v0 = dom0->vcpu[0];
	vu = domu->vcpu[0];
}

void env_teardown(void)
{
	for (struct domain *d = domain_next(0); d; d = domain_next(0)) {
		domain_destroy(d);
		domain_put(d);
	}
	fake_mem_fini();
}

long domctl(struct vcpu *v, struct xen_domctl *op)
{
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	memcpy(gptr(GVA), op, sizeof(*op));
	long rc = do_domctl(v, GVA, 0, 0, 0, 0);
	memcpy(op, gptr(GVA), sizeof(*op));
	return rc;
}

long domctl_cmd(struct vcpu *v, uint32_t cmd, domid_t dom)
{
	struct xen_domctl op = {.cmd = cmd, .domain = dom};

	return domctl(v, &op);
}

long sysctl(struct vcpu *v, struct xen_sysctl *op)
{
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	memcpy(gptr(GVA), op, sizeof(*op));
	long rc = do_sysctl(v, GVA, 0, 0, 0, 0);
	memcpy(op, gptr(GVA), sizeof(*op));
	return rc;
}

/* ---- ports ----------------------------------------------------------------- */

unsigned int fake_io_last_port, fake_io_last_size;
uint32_t fake_io_last_out, fake_io_in_value = 0x12345678;

uint32_t arch_io_in(unsigned int port, unsigned int size)
{
	fake_io_last_port = port;
	fake_io_last_size = size;
	return fake_io_in_value & (size == 4 ? ~0U : (1U << (8 * size)) - 1);
}

void arch_io_out(unsigned int port, unsigned int size, uint32_t value)
{
	fake_io_last_port = port;
	fake_io_last_size = size;
	fake_io_last_out = value;
}
