/*
 * Emulated ECAM stores of the driver domain (ideas in hospes/ecam_emul.h).
 *
 * Decode, then locate, then decide, then act: nothing reaches a device
 * before the whole instruction was measured within the bytes fetched, the
 * address lies in a known window, and the store is naturally aligned (so
 * it stays inside one function's 4 KiB, and within one configuration
 * dword unless it is a 64-bit store: two dwords).  A read-modify-write
 * reads the current bytes first; a read that cannot be done changes
 * nothing.  RFLAGS and rip change only after the write.
 * The decision itself is pci_cfg_write_refused(), taken by the arch layer
 * under its configuration lock (arch_pci_cfg_write).
 */
#include <hospes/ecam_emul.h>
#include <hospes/pci_cfg.h>

#define PFX_OPSIZE 0x66
#define REX_W	   0x08
#define REX_R	   0x04
#define OP_GRP1_8  0x80 /* op r/m8, imm8 (ModRM.reg picks the operation) */
#define OP_GRP1	   0x81 /* op r/m, imm16/32 */
#define OP_GRP1_S8 0x83 /* op r/m, imm8 sign-extended */
#define OP_MOV_I8  0xc6
#define OP_MOV_I   0xc7

#define RFLAGS_CF 0x001UL
#define RFLAGS_PF 0x004UL
#define RFLAGS_ZF 0x040UL
#define RFLAGS_SF 0x080UL
#define RFLAGS_OF 0x800UL

/* What an opcode (and ModRM.reg, for the immediate groups) stores. */
struct form {
	enum mmio_op op;
	bool byte;	      /* an 8-bit operand whatever the prefixes */
	bool reg_src;	      /* the source is ModRM.reg, else an immediate */
	unsigned int imm8_sx; /* 1: a sign-extended imm8 (83 /x) */
};

/* Group 1's operations by ModRM.reg: add, or, adc, sbb, and, sub, xor, cmp. */
static const int grp1_op[8] = {-1, MMIO_OR, -1, -1, MMIO_AND, -1, MMIO_XOR, -1};

static bool classify(uint8_t op, unsigned int reg, struct form *f)
{
	*f = (struct form){.byte = !(op & 1), .reg_src = true};
	switch (op) {
	case 0x88:
	case 0x89:
		f->op = MMIO_MOV;
		return true;
	case 0x08:
	case 0x09:
		f->op = MMIO_OR;
		return true;
	case 0x20:
	case 0x21:
		f->op = MMIO_AND;
		return true;
	case 0x30:
	case 0x31:
		f->op = MMIO_XOR;
		return true;
	case OP_MOV_I8:
	case OP_MOV_I:
		f->reg_src = false;
		f->op = MMIO_MOV;
		return reg == 0; /* C6/C7 /1-/7 are not stores */
	case OP_GRP1_8:
	case OP_GRP1:
	case OP_GRP1_S8:
		f->reg_src = false;
		f->byte = op == OP_GRP1_8;
		f->imm8_sx = op == OP_GRP1_S8;
		f->op = (enum mmio_op)grp1_op[reg];
		return grp1_op[reg] >= 0;
	default:
		return false;
	}
}

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

static uint64_t size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* The little-endian immediate of k bytes at b, sign-extended when it is
 * shorter than the operand (imm32 of a 64-bit operation, 83's imm8). */
static uint64_t immediate(const uint8_t *b, unsigned int k, unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < k; i++)
		v |= (uint64_t)b[i] << (8 * i);
	if (k < size && (b[k - 1] & 0x80))
		v |= ~0ULL << (8 * k);
	return v & size_mask(size);
}

int mmio_decode_store(const uint8_t *b, size_t n, struct mmio_store *out)
{
	unsigned int i = 0, rex = 0;
	bool opsize = false;
	struct form f;

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
	uint8_t op = b[i++];
	unsigned int reg = (b[i] >> 3) & 7;
	if (!classify(op, reg, &f))
		return -1;
	int tail = modrm_tail(b, n, i);
	if (tail < 0)
		return -1;
	out->size = f.byte ? 1 : (rex & REX_W) ? 8 : opsize ? 2 : 4;
	out->op = f.op;
	i += 1 + (unsigned int)tail;
	out->imm = 0;
	out->reg = MMIO_NO_REG;
	out->high8 = false;
	if (f.reg_src) {
		if (i > n)
			return -1;
		out->reg = (int)(reg | (rex & REX_R ? 8 : 0));
		out->high8 = out->size == 1 && !rex && reg >= 4;
	} else {
		unsigned int k = f.imm8_sx ? 1 : out->size > 4 ? 4 : out->size;
		if (i + k > n)
			return -1;
		out->imm = immediate(&b[i], k, out->size);
		i += k;
	}
	out->len = i;
	return 0;
}

uint64_t mmio_store_value(const struct mmio_store *s, const uint64_t gpr[16])
{
	uint64_t v = s->reg == MMIO_NO_REG ? s->imm : s->high8 ? gpr[s->reg - 4] >> 8 : gpr[s->reg];
	return v & size_mask(s->size);
}

uint64_t mmio_store_result(const struct mmio_store *s, uint64_t old, uint64_t src)
{
	switch (s->op) {
	case MMIO_OR:
		return (old | src) & size_mask(s->size);
	case MMIO_AND:
		return old & src & size_mask(s->size);
	case MMIO_XOR:
		return (old ^ src) & size_mask(s->size);
	default:
		return src & size_mask(s->size);
	}
}

uint64_t mmio_store_rflags(const struct mmio_store *s, uint64_t rflags, uint64_t result)
{
	if (s->op == MMIO_MOV)
		return rflags;
	rflags &= ~(RFLAGS_CF | RFLAGS_OF | RFLAGS_SF | RFLAGS_ZF | RFLAGS_PF);
	if (result & (1ULL << (8 * s->size - 1)))
		rflags |= RFLAGS_SF;
	if (!result)
		rflags |= RFLAGS_ZF;
	if (!(__builtin_popcount((unsigned int)(result & 0xff)) & 1))
		rflags |= RFLAGS_PF; /* even parity of the low byte */
	return rflags;
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
		 uint64_t *rflags, unsigned int *len)
{
	struct mmio_store st;
	uint16_t sbdf;
	unsigned int off;
	uint64_t old = 0, result;

	if (mmio_decode_store(insn, n, &st) || !ecam_locate(maddr, &sbdf, &off) || off % st.size)
		return -1;
	if (st.op != MMIO_MOV && arch_pci_cfg_read(sbdf, off, st.size, &old))
		return -1;
	result = mmio_store_result(&st, old, mmio_store_value(&st, gpr));
	if (arch_pci_cfg_write(sbdf, off, st.size, result))
		return -1;
	*rflags = mmio_store_rflags(&st, *rflags, result);
	*len = st.len;
	return 0;
}
