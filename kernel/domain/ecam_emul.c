/*
 * Emulated ECAM stores of the driver domain (ideas in hospes/ecam_emul.h).
 *
 * Decode, then locate, then decide, then act: nothing reaches a device
 * before the whole instruction was measured within the bytes fetched, the
 * address lies in a known window, and the store is naturally aligned (so
 * it stays inside one function's 4 KiB and one configuration dword).
 * The decision itself is pci_cfg_write_refused(), taken by the arch layer
 * under its configuration lock (arch_pci_cfg_write).
 */
#include <hospes/ecam_emul.h>
#include <hospes/pci_cfg.h>

#define OP_MOV_RM8_R8	0x88
#define OP_MOV_RM_R	0x89
#define OP_MOV_RM8_IMM8 0xc6
#define OP_MOV_RM_IMM	0xc7
#define PFX_OPSIZE	0x66
#define REX_W		0x08
#define REX_R		0x04

/* Bytes of ModRM's addressing after ModRM itself (SIB, displacement), -1 if mod 3. */
static int modrm_tail(const uint8_t *b, size_t n, unsigned int at)
{
	unsigned int mod = b[at] >> 6, rm = b[at] & 7, tail = 0;

	if (mod == 3)
		return -1; /* a register operand: not a store to memory */
	if (rm == 4) {	   /* SIB */
		if (at + 1 >= n)
			return -1;
		tail = 1;
		if (mod == 0 && (b[at + 1] & 7) == 5)
			tail += 4; /* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		tail = 4; /* rip-relative disp32 */
	}
	if (mod == 1)
		tail += 1;
	else if (mod == 2)
		tail += 4;
	return (int)tail;
}

int mmio_decode_store(const uint8_t *b, size_t n, struct mmio_store *out)
{
	unsigned int i = 0, rex = 0;
	bool opsize = false;

	if (n > MMIO_INSN_MAX)
		n = MMIO_INSN_MAX;
	while (i < n && b[i] == PFX_OPSIZE) {
		opsize = true;
		i++;
	}
	if (i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++]; /* must come right before the opcode */
	if (i + 2 > n)
		return -1;
	uint8_t op = b[i++], modrm = b[i];
	unsigned int reg = (modrm >> 3) & 7;
	bool imm = op == OP_MOV_RM8_IMM8 || op == OP_MOV_RM_IMM;

	if (op != OP_MOV_RM8_R8 && op != OP_MOV_RM_R && !imm)
		return -1;
	if ((imm && reg != 0) || ((rex & REX_W) && (op & 1)))
		return -1; /* C6/C7 /1-/7 are not stores; 64-bit stores not emulated */
	int tail = modrm_tail(b, n, i);
	if (tail < 0)
		return -1;
	out->size = (op & 1) ? (opsize ? 2 : 4) : 1;
	i += 1 + (unsigned int)tail;
	out->imm = 0;
	out->reg = MMIO_NO_REG;
	out->high8 = false;
	if (imm) {
		if (i + out->size > n)
			return -1;
		for (unsigned int k = 0; k < out->size; k++)
			out->imm |= (uint32_t)b[i + k] << (8 * k);
		i += out->size;
	} else {
		if (i > n)
			return -1;
		out->reg = (int)(reg | (rex & REX_R ? 8 : 0));
		out->high8 = out->size == 1 && !rex && reg >= 4;
	}
	out->len = i;
	return 0;
}

uint32_t mmio_store_value(const struct mmio_store *s, const uint64_t gpr[16])
{
	uint64_t v = s->reg == MMIO_NO_REG ? s->imm : s->high8 ? gpr[s->reg - 4] >> 8 : gpr[s->reg];
	return (uint32_t)(s->size == 4 ? v & 0xffffffffu : v & ((1u << (8 * s->size)) - 1));
}

static struct {
	paddr_t base;
	unsigned int first, last;
} windows[ECAM_WINDOWS];
static unsigned int nr_windows;

int ecam_add_window(paddr_t base, unsigned int first, unsigned int last)
{
	if (nr_windows == ECAM_WINDOWS || first > last || last > 255 || (base & 0xfffff))
		return -1;
	windows[nr_windows].base = base;
	windows[nr_windows].first = first;
	windows[nr_windows++].last = last;
	return 0;
}

bool ecam_locate(paddr_t maddr, uint16_t *sbdf, unsigned int *off)
{
	for (unsigned int i = 0; i < nr_windows; i++) {
		paddr_t rel = maddr - windows[i].base;
		if (maddr < windows[i].base ||
		    rel >> 20 > (paddr_t)(windows[i].last - windows[i].first))
			continue;
		*sbdf = (uint16_t)(((windows[i].first + (rel >> 20)) << 8) | ((rel >> 12) & 0xff));
		*off = (unsigned int)(rel & 0xfff);
		return true;
	}
	return false;
}

int ecam_emulate(const uint8_t *insn, size_t n, paddr_t maddr, const uint64_t gpr[16],
		 unsigned int *len)
{
	struct mmio_store st;
	uint16_t sbdf;
	unsigned int off;

	if (mmio_decode_store(insn, n, &st) || !ecam_locate(maddr, &sbdf, &off) || off % st.size)
		return -1;
	if (arch_pci_cfg_write(sbdf, off, st.size, mmio_store_value(&st, gpr)))
		return -1;
	*len = st.len;
	return 0;
}
