/*
 * Emulated port I/O for the driver domain (ideas in hospes/io_emul.h).
 * Decode, then check, then act: nothing touches a port before the
 * instruction and the permission are both known good.
 */
#include <hospes/guest_access.h>
#include <hospes/io_emul.h>
#include <hospes/lib.h>
#include <hospes/pv.h>

int io_decode(const uint8_t *b, size_t n, struct io_insn *out)
{
	unsigned int i = 0;
	bool opsize = false;

	while (i < n && i < 4 && b[i] == 0x66) { /* operand-size prefix (repeats allowed) */
		opsize = true;
		i++;
	}
	if (i >= n)
		return -1;
	uint8_t op = b[i++];
	if ((op & 0xf4) != 0xe4) /* E4-E7: imm8 form, EC-EF: DX form */
		return -1;
	out->dx = op & 0x08;
	out->in = !(op & 0x02);
	out->size = (op & 1) ? (opsize ? 2 : 4) : 1;
	out->imm = 0;
	if (!out->dx) {
		if (i >= n)
			return -1;
		out->imm = b[i++];
	}
	out->len = i;
	return 0;
}

bool io_port_reserved(unsigned int port, unsigned int size)
{
	static const struct {
		uint16_t first, last;
	} kept[] = {
		{0x20, 0x21},	/* master PIC */
		{0x40, 0x43},	/* PIT */
		{0xa0, 0xa1},	/* slave PIC */
		{0xf4, 0xf4},	/* QEMU isa-debug-exit: the test verdict */
		{0x3f8, 0x3ff}, /* COM1: the hypervisor's log and console */
		{0x4d0, 0x4d1}, /* ELCR: edge/level of the ISA lines */
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(kept); i++)
		if (port <= kept[i].last && port + size - 1 >= kept[i].first)
			return true;
	return false;
}

/* Does the domain's I/O bitmap (TSS format: a set bit forbids) allow every byte? */
static bool bitmap_allows(struct vcpu *v, const struct pv_domain *pv, unsigned int port,
			  unsigned int size)
{
	for (unsigned int p = port; p < port + size; p++) {
		uint8_t byte;
		if (!pv->iobitmap_va || p >= pv->iobitmap_ports ||
		    copy_from_guest_vcpu(v, &byte, pv->iobitmap_va + p / 8, 1) ||
		    (byte & (1U << (p % 8))))
			return false;
	}
	return true;
}

int io_emulate(struct vcpu *v, bool kernel_mode, unsigned long rip, unsigned long *rax,
	       unsigned long rdx, unsigned int *len)
{
	const struct pv_domain *pv = v->domain->pv;
	uint8_t insn[5] = {0};
	struct io_insn io;

	if (!v->domain->is_privileged)
		return -1;
	if (io_decode(insn, fetch_guest_insn(v, rip, insn, sizeof(insn)), &io))
		return -1;
	unsigned int port = io.dx ? (uint16_t)rdx : io.imm;
	if (port + io.size > 0x10000 || io_port_reserved(port, io.size))
		return -1;
	if (pv->iopl < (kernel_mode ? 1 : 3) && !bitmap_allows(v, pv, port, io.size))
		return -1;
	if (io.in) {
		uint32_t val = arch_io_in(port, io.size);
		if (io.size == 4)
			*rax = val; /* a 32-bit write clears the upper half */
		else if (io.size == 2)
			*rax = (*rax & ~0xffffUL) | val;
		else
			*rax = (*rax & ~0xffUL) | val;
	} else {
		arch_io_out(port, io.size,
			    (uint32_t)*rax & (io.size == 4 ? ~0U : (1U << (8 * io.size)) - 1));
	}
	*len = io.len;
	return 0;
}
