/*
 * dom0's emulated ECAM stores (kernel/domain/ecam_emul.c) against a fake
 * configuration space: every store form the decoder takes (register and
 * immediate, 8/16/32 bits, REX, repeated operand-size prefixes, each
 * ModRM addressing shape), the forms and prefixes it refuses, truncated
 * bytes, the value taken from the right register (AH..BH without REX),
 * the machine address located in a window, and the whole path: aligned
 * stores written, stores spanning two registers or misaligned refused,
 * stores to the MSI capability dropped by the ports' policy; the 64-bit
 * stores (two dwords, one policy decision) and the or/and/xor
 * read-modify-writes with the flags they leave, and the arithmetic forms
 * refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/ecam_emul.h>
#include <hospes/pci_cfg.h>

#define BASE  0xb0000000ULL /* window of buses 0..15 */
#define FUNCS 2		    /* 00:00.0 and 00:00.1 exist */

static uint8_t space[FUNCS][4096];
static unsigned int writes, dropped, reads;

static uint32_t rd(void *ctx, uint16_t sbdf, unsigned int off)
{
	(void)ctx;
	if (sbdf >= FUNCS)
		return ~0u;
	uint32_t v;
	memcpy(&v, &space[sbdf][off & 0xffc], 4);
	return v;
}

/* The arch layer: the one policy, then the write (as msi.c does). */
int arch_pci_cfg_write(uint16_t sbdf, unsigned int off, unsigned int size, uint64_t value)
{
	assert_int_equal(off % size, 0);
	if (sbdf >= FUNCS)
		return -1; /* no mapping of that bus */
	writes++;
	if (pci_cfg_write_refused(rd, NULL, sbdf, off, size)) {
		dropped++;
		return 0;
	}
	memcpy(&space[sbdf][off], &value, size);
	return 0;
}

int arch_pci_cfg_read(uint16_t sbdf, unsigned int off, unsigned int size, uint64_t *value)
{
	assert_int_equal(off % size, 0);
	if (sbdf >= FUNCS)
		return -1;
	reads++;
	*value = 0;
	memcpy(value, &space[sbdf][off], size);
	return 0;
}

/* Function 0: capability list 0x40 (PM) -> 0x50 (MSI, 64-bit). */
static int setup(void **state)
{
	(void)state;
	uint8_t *f = space[0];
	memset(space, 0, sizeof(space));
	f[0] = 0x86, f[1] = 0x80, f[6] = 0x10, f[0x34] = 0x40;
	f[0x40] = 0x01, f[0x41] = 0x50;
	f[0x50] = PCI_CAP_ID_MSI, f[0x52] = PCI_MSI_CTRL_64;
	return ecam_add_window(BASE, 0, 15);
}

#define DECODE(out, ...)                                                                           \
	({                                                                                         \
		const uint8_t b_[] = {__VA_ARGS__};                                                \
		mmio_decode_store(b_, sizeof(b_), (out));                                          \
	})

static void expect(const struct mmio_store *s, unsigned int len, unsigned int size, int reg,
		   uint64_t imm)
{
	assert_int_equal(s->len, len);
	assert_int_equal(s->size, size);
	assert_int_equal(s->reg, reg);
	if (reg == MMIO_NO_REG)
		assert_int_equal(s->imm, imm);
}

static void test_register_forms(void **state)
{
	struct mmio_store s;
	(void)state;
	assert_int_equal(DECODE(&s, 0x88, 0x02), 0); /* mov %al,(%rdx) */
	expect(&s, 2, 1, 0, 0);
	assert_false(s.high8);
	assert_int_equal(DECODE(&s, 0x88, 0x62, 0x05), 0); /* mov %ah,5(%rdx) */
	expect(&s, 3, 1, 4, 0);
	assert_true(s.high8);
	assert_int_equal(DECODE(&s, 0x40, 0x88, 0x62, 0x05), 0); /* mov %spl,5(%rdx) */
	expect(&s, 4, 1, 4, 0);
	assert_false(s.high8);
	assert_int_equal(DECODE(&s, 0x44, 0x88, 0x0a), 0); /* mov %r9b,(%rdx) */
	expect(&s, 3, 1, 9, 0);
	assert_int_equal(DECODE(&s, 0x89, 0x07), 0); /* mov %eax,(%rdi) */
	expect(&s, 2, 4, 0, 0);
	assert_int_equal(DECODE(&s, 0x66, 0x89, 0x07), 0); /* mov %ax,(%rdi) */
	expect(&s, 3, 2, 0, 0);
	assert_int_equal(DECODE(&s, 0x66, 0x66, 0x45, 0x89, 0x3f), 0); /* mov %r15w,(%r15) */
	expect(&s, 5, 2, 15, 0);
	/* mov %eax,0x100(%r12): REX.B, SIB, disp32 */
	assert_int_equal(DECODE(&s, 0x41, 0x89, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00), 0);
	expect(&s, 8, 4, 0, 0);
	assert_int_equal(DECODE(&s, 0x89, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), 0); /* no base */
	expect(&s, 7, 4, 0, 0);
	assert_int_equal(DECODE(&s, 0x89, 0x0d, 0x10, 0x00, 0x00, 0x00), 0); /* rip-relative */
	expect(&s, 6, 4, 1, 0);
	assert_int_equal(DECODE(&s, 0x89, 0x44, 0x24, 0x08), 0); /* SIB + disp8 */
	expect(&s, 4, 4, 0, 0);
}

static void test_immediate_forms(void **state)
{
	struct mmio_store s;
	(void)state;
	assert_int_equal(DECODE(&s, 0xc6, 0x00, 0x7f), 0); /* movb $0x7f,(%rax) */
	expect(&s, 3, 1, MMIO_NO_REG, 0x7f);
	assert_int_equal(DECODE(&s, 0x66, 0xc7, 0x40, 0x08, 0x34, 0x12), 0);
	expect(&s, 6, 2, MMIO_NO_REG, 0x1234);
	assert_int_equal(DECODE(&s, 0xc7, 0x80, 0x3c, 0, 0, 0, 0x78, 0x56, 0x34, 0x12), 0);
	expect(&s, 10, 4, MMIO_NO_REG, 0x12345678);
	assert_int_equal(DECODE(&s, 0x41, 0xc6, 0x04, 0x24, 0xaa), 0); /* movb $0xaa,(%r12) */
	expect(&s, 5, 1, MMIO_NO_REG, 0xaa);
}

static void test_refused(void **state)
{
	struct mmio_store s;
	uint8_t many[20];
	(void)state;
	assert_int_equal(DECODE(&s, 0xf0, 0x89, 0x07), -1); /* lock */
	assert_int_equal(DECODE(&s, 0xf3, 0x89, 0x07), -1); /* rep */
	assert_int_equal(DECODE(&s, 0x2e, 0x89, 0x07), -1); /* segment */
	assert_int_equal(DECODE(&s, 0x64, 0x89, 0x07), -1);
	assert_int_equal(DECODE(&s, 0x40, 0x66, 0x89, 0x07), -1);	/* REX not last */
	assert_int_equal(DECODE(&s, 0x41, 0x41, 0x89, 0x07), -1);	/* two REX */
	assert_int_equal(DECODE(&s, 0x89, 0xc0), -1);			/* register destination */
	assert_int_equal(DECODE(&s, 0xc6, 0x48, 0x00, 0x01), -1);	/* C6 /1 */
	assert_int_equal(DECODE(&s, 0x8b, 0x07), -1);			/* a load */
	assert_int_equal(DECODE(&s, 0x87, 0x07), -1);			/* xchg */
	assert_int_equal(DECODE(&s, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0), -1); /* moffs */
	/* truncated: SIB, displacement, immediate, opcode */
	assert_int_equal(DECODE(&s, 0x89, 0x84, 0x24, 0x00, 0x01), -1);
	assert_int_equal(DECODE(&s, 0x89, 0x04), -1);
	assert_int_equal(DECODE(&s, 0xc7, 0x00, 0x78, 0x56), -1);
	assert_int_equal(DECODE(&s, 0x66), -1);
	assert_int_equal(mmio_decode_store(many, 0, &s), -1);
	/* past the 15-byte limit */
	memset(many, 0x66, sizeof(many));
	many[14] = 0x89, many[15] = 0x07;
	assert_int_equal(mmio_decode_store(many, sizeof(many), &s), -1);
	many[12] = 0x89, many[13] = 0x07;
	assert_int_equal(mmio_decode_store(many + 0, 14, &s), 0);
	assert_int_equal(s.len, 14);
}

static void test_values(void **state)
{
	uint64_t g[16];
	struct mmio_store s;
	(void)state;
	for (unsigned int i = 0; i < 16; i++)
		g[i] = 0x1111111111111111ULL * i + 0x0102030405060708ULL;
	assert_int_equal(DECODE(&s, 0x88, 0x62, 0x05), 0); /* %ah */
	assert_int_equal(mmio_store_value(&s, g), (g[0] >> 8) & 0xff);
	assert_int_equal(DECODE(&s, 0x40, 0x88, 0x62, 0x05), 0); /* %spl */
	assert_int_equal(mmio_store_value(&s, g), g[4] & 0xff);
	assert_int_equal(DECODE(&s, 0x66, 0x44, 0x89, 0x07), 0); /* %r8w */
	assert_int_equal(mmio_store_value(&s, g), g[8] & 0xffff);
	assert_int_equal(DECODE(&s, 0x89, 0x0f), 0); /* %ecx */
	assert_int_equal(mmio_store_value(&s, g), g[1] & 0xffffffffu);
	assert_int_equal(DECODE(&s, 0xc6, 0x00, 0x7f), 0);
	assert_int_equal(mmio_store_value(&s, g), 0x7f);
}

static void test_locate(void **state)
{
	uint16_t sbdf;
	unsigned int off;
	(void)state;
	assert_true(ecam_locate(BASE + (1 << 20) + (2 << 15) + (1 << 12) + 0x3c, &sbdf, &off));
	assert_int_equal(sbdf, 1u << 8 | 2u << 3 | 1u);
	assert_int_equal(off, 0x3c);
	assert_true(ecam_locate(BASE + (16ULL << 20) - 1, &sbdf, &off));
	assert_int_equal(sbdf, 15u << 8 | 0xff);
	assert_int_equal(off, 0xfff);
	assert_false(ecam_locate(BASE + (16ULL << 20), &sbdf, &off)); /* bus 16 */
	assert_false(ecam_locate(BASE - 1, &sbdf, &off));
	assert_int_equal(ecam_add_window(0xc0000800, 0, 1), -1); /* not 1 MiB aligned */
	assert_int_equal(ecam_add_window(0xc0000000, 3, 2), -1);
	assert_int_equal(ecam_add_window(0xc0000000, 0, 256), -1);
}

static uint64_t flags = 0x202;

static int emulate(unsigned int off, uint64_t rax, unsigned int *len, const uint8_t *b, size_t n)
{
	uint64_t g[16] = {rax};
	return ecam_emulate(b, n, BASE + off, g, &flags, len);
}

static void test_emulate(void **state)
{
	static const uint8_t st8[] = {0x88, 0x02}, st16[] = {0x66, 0x89, 0x07},
			     st32[] = {0x89, 0x07}, load[] = {0x8b, 0x07};
	unsigned int len = 0;
	uint32_t v;
	(void)state;
	writes = dropped = 0;
	assert_int_equal(emulate(0x3c, 0x0b, &len, st8, sizeof(st8)), 0);
	assert_int_equal(len, 2);
	assert_int_equal(space[0][0x3c], 0x0b);
	assert_int_equal(emulate(0x104, 0xdeadbeef, &len, st32, sizeof(st32)), 0);
	memcpy(&v, &space[0][0x104], 4);
	assert_int_equal(v, 0xdeadbeef); /* extended space */
	assert_int_equal(emulate(0x1000 + 0x10, 0xfeb00000, &len, st32, sizeof(st32)), 0);
	memcpy(&v, &space[1][0x10], 4);
	assert_int_equal(v, 0xfeb00000); /* function 1 */
	/* a store spanning two registers, or not naturally aligned: refused */
	assert_int_equal(emulate(0x3e, 1, &len, st32, sizeof(st32)), -1);
	assert_int_equal(emulate(0x3d, 1, &len, st16, sizeof(st16)), -1);
	assert_int_equal(emulate(0x3c, 1, &len, load, sizeof(load)), -1);
	assert_int_equal(emulate(0x2000, 1, &len, st32, sizeof(st32)), -1); /* no mapping */
	assert_int_equal(writes, 3);
	/* the MSI capability's bytes: dropped whole, the instruction still done */
	for (unsigned int off = 0x52; off < 0x5e; off += 2) {
		len = 0;
		assert_int_equal(emulate(off, 0xffff, &len, st16, sizeof(st16)), 0);
		assert_int_equal(len, 3);
	}
	assert_int_equal(emulate(0x50, 0xffffffff, &len, st32, sizeof(st32)), 0);
	assert_int_equal(emulate(0x54, 0xffffffff, &len, st32, sizeof(st32)), 0);
	assert_int_equal(space[0][0x50], PCI_CAP_ID_MSI);
	assert_int_equal(space[0][0x52], PCI_MSI_CTRL_64);
	memcpy(&v, &space[0][0x54], 4);
	assert_int_equal(v, 0);
	assert_int_equal(dropped, 8); /* ctrl..data (0x52-0x5d), and the two dwords; 0x50 kept */
	assert_int_equal(emulate(0x5e, 0x77, &len, st8, sizeof(st8)), 0); /* past the capability */
	assert_int_equal(space[0][0x5e], 0x77);
}

/* A 64-bit store, register and sign-extended immediate: two dwords. */
static void test_store64(void **state)
{
	struct mmio_store s;
	uint64_t g[16] = {0x1122334455667788ULL};
	static const uint8_t st64[] = {0x48, 0x89, 0x07}; /* mov %rax,(%rdi) */
	static const uint8_t imm64[] = {0x48, 0xc7, 0x07, 0xf0, 0xff, 0xff, 0xff};
	unsigned int len = 0;
	uint64_t v;
	(void)state;
	assert_int_equal(DECODE(&s, 0x48, 0x89, 0x07), 0);
	expect(&s, 3, 8, 0, 0);
	assert_int_equal(s.op, MMIO_MOV);
	assert_int_equal(mmio_store_value(&s, g), g[0]);
	assert_int_equal(DECODE(&s, 0x4c, 0x89, 0x44, 0x24, 0x10), 0); /* mov %r8,16(%rsp) */
	expect(&s, 5, 8, 8, 0);
	assert_int_equal(DECODE(&s, 0x48, 0xc7, 0x07, 0xf0, 0xff, 0xff, 0xff), 0);
	expect(&s, 7, 8, MMIO_NO_REG, 0xfffffffffffffff0ULL); /* imm32 sign-extended */
	assert_int_equal(DECODE(&s, 0x48, 0xc7, 0x07, 0x01, 0x00, 0x00, 0x80), 0);
	assert_int_equal(s.imm, 0xffffffff80000001ULL);
	assert_int_equal(DECODE(&s, 0x48, 0xc7, 0x07, 0x01, 0x00, 0x00), -1); /* truncated */
	/* the whole path: both dwords written, once each policy decision */
	writes = dropped = 0;
	assert_int_equal(emulate(0x100, g[0], &len, st64, sizeof(st64)), 0);
	assert_int_equal(len, 3);
	memcpy(&v, &space[0][0x100], 8);
	assert_int_equal(v, g[0]);
	assert_int_equal(emulate(0x108, 0, &len, imm64, sizeof(imm64)), 0);
	assert_int_equal(len, 7);
	memcpy(&v, &space[0][0x108], 8);
	assert_int_equal(v, 0xfffffffffffffff0ULL);
	assert_int_equal(writes, 2);
	/* only 8-aligned: a 64-bit store at a dword boundary is refused */
	assert_int_equal(emulate(0x104, 1, &len, st64, sizeof(st64)), -1);
	/* into the MSI capability (0x50..0x5d): the whole 8 bytes dropped */
	uint64_t was;
	memcpy(&was, &space[0][0x58], 8);
	assert_int_equal(emulate(0x58, ~0ULL, &len, st64, sizeof(st64)), 0);
	memcpy(&v, &space[0][0x58], 8);
	assert_int_equal(v, was); /* 0x5e-0x5f are past the capability: dropped too */
	assert_int_equal(dropped, 1);
	assert_int_equal(writes, 3);
}

/* or/and/xor with a memory destination: decoded in every width and source. */
static void test_rmw_forms(void **state)
{
	struct mmio_store s;
	(void)state;
	assert_int_equal(DECODE(&s, 0x66, 0x09, 0x07), 0); /* or %ax,(%rdi) */
	expect(&s, 3, 2, 0, 0);
	assert_int_equal(s.op, MMIO_OR);
	assert_int_equal(DECODE(&s, 0x08, 0x62, 0x05), 0); /* or %ah,5(%rdx) */
	expect(&s, 3, 1, 4, 0);
	assert_true(s.high8);
	assert_int_equal(DECODE(&s, 0x21, 0x0f), 0); /* and %ecx,(%rdi) */
	expect(&s, 2, 4, 1, 0);
	assert_int_equal(s.op, MMIO_AND);
	assert_int_equal(DECODE(&s, 0x4c, 0x31, 0x07), 0); /* xor %r8,(%rdi) */
	expect(&s, 3, 8, 8, 0);
	assert_int_equal(s.op, MMIO_XOR);
	assert_int_equal(DECODE(&s, 0x30, 0x07), 0); /* xor %al,(%rdi) */
	expect(&s, 2, 1, 0, 0);
	assert_int_equal(DECODE(&s, 0x20, 0x07), 0); /* and %al,(%rdi) */
	assert_int_equal(s.op, MMIO_AND);
	/* immediates: 80 ib, 81 iw/id, 83 ib sign-extended */
	assert_int_equal(DECODE(&s, 0x80, 0x4f, 0x04, 0x80), 0); /* orb $0x80,4(%rdi) */
	expect(&s, 4, 1, MMIO_NO_REG, 0x80);
	assert_int_equal(s.op, MMIO_OR);
	assert_int_equal(DECODE(&s, 0x66, 0x81, 0x67, 0x04, 0xfb, 0xff), 0); /* andw $~4,4(%rdi) */
	expect(&s, 6, 2, MMIO_NO_REG, 0xfffb);
	assert_int_equal(s.op, MMIO_AND);
	assert_int_equal(DECODE(&s, 0x81, 0x37, 0x78, 0x56, 0x34, 0x12), 0); /* xorl */
	expect(&s, 6, 4, MMIO_NO_REG, 0x12345678);
	assert_int_equal(s.op, MMIO_XOR);
	assert_int_equal(DECODE(&s, 0x66, 0x83, 0x67, 0x04, 0xfb), 0); /* andw $-5,4(%rdi) */
	expect(&s, 5, 2, MMIO_NO_REG, 0xfffb);
	assert_int_equal(DECODE(&s, 0x83, 0x0f, 0x7f), 0); /* orl $0x7f,(%rdi): not extended */
	expect(&s, 3, 4, MMIO_NO_REG, 0x7f);
	assert_int_equal(DECODE(&s, 0x48, 0x83, 0x27, 0xfe), 0); /* andq $-2,(%rdi) */
	expect(&s, 4, 8, MMIO_NO_REG, 0xfffffffffffffffeULL);
	assert_int_equal(DECODE(&s, 0x48, 0x81, 0x0f, 0x00, 0x00, 0x00, 0x80), 0); /* orq */
	expect(&s, 7, 8, MMIO_NO_REG, 0xffffffff80000000ULL);
	/* truncated immediates */
	assert_int_equal(DECODE(&s, 0x81, 0x37, 0x78, 0x56, 0x34), -1);
	assert_int_equal(DECODE(&s, 0x83, 0x0f), -1);
	assert_int_equal(DECODE(&s, 0x80, 0x4f, 0x04), -1);
}

/* The other group-1 operations, bit tests, exchanges, register operands: refused. */
static void test_rmw_refused(void **state)
{
	struct mmio_store s;
	(void)state;
	for (unsigned int reg = 0; reg < 8; reg++) {
		bool ours = reg == 1 || reg == 4 || reg == 6;
		uint8_t modrm = (uint8_t)(reg << 3 | 7); /* (%rdi) */
		const uint8_t b80[] = {0x80, modrm, 1}, b81[] = {0x81, modrm, 1, 0, 0, 0},
			      b83[] = {0x83, modrm, 1};
		assert_int_equal(mmio_decode_store(b80, sizeof(b80), &s), ours ? 0 : -1);
		assert_int_equal(mmio_decode_store(b81, sizeof(b81), &s), ours ? 0 : -1);
		assert_int_equal(mmio_decode_store(b83, sizeof(b83), &s), ours ? 0 : -1);
	}
	assert_int_equal(DECODE(&s, 0x01, 0x07), -1);		  /* add %eax,(%rdi) */
	assert_int_equal(DECODE(&s, 0x29, 0x07), -1);		  /* sub */
	assert_int_equal(DECODE(&s, 0x11, 0x07), -1);		  /* adc */
	assert_int_equal(DECODE(&s, 0x19, 0x07), -1);		  /* sbb */
	assert_int_equal(DECODE(&s, 0x39, 0x07), -1);		  /* cmp */
	assert_int_equal(DECODE(&s, 0x85, 0x07), -1);		  /* test */
	assert_int_equal(DECODE(&s, 0x0b, 0x07), -1);		  /* or (%rdi),%eax: a load */
	assert_int_equal(DECODE(&s, 0x23, 0x07), -1);		  /* and: a load */
	assert_int_equal(DECODE(&s, 0x33, 0x07), -1);		  /* xor: a load */
	assert_int_equal(DECODE(&s, 0x82, 0x0f, 1), -1);	  /* 82: invalid in 64-bit */
	assert_int_equal(DECODE(&s, 0x0f, 0xab, 0x07), -1);	  /* bts */
	assert_int_equal(DECODE(&s, 0x0f, 0xba, 0x2f, 3), -1);	  /* bts $3 */
	assert_int_equal(DECODE(&s, 0xf0, 0x09, 0x07), -1);	  /* lock or */
	assert_int_equal(DECODE(&s, 0x09, 0xc7), -1);		  /* or %eax,%edi */
	assert_int_equal(DECODE(&s, 0x83, 0xcf, 0x01), -1);	  /* or $1,%edi */
	assert_int_equal(DECODE(&s, 0x48, 0x66, 0x09, 0x07), -1); /* REX not last */
}

/* The path of a read-modify-write: the current bytes, one write, the flags. */
static void test_rmw_emulate(void **state)
{
	static const uint8_t or16[] = {0x66, 0x81, 0x0f, 0x06, 0x00}; /* orw $6,(%rdi) */
	static const uint8_t and16[] = {0x66, 0x83, 0x27, 0xfb};      /* andw $-5,(%rdi) */
	static const uint8_t xor8[] = {0x30, 0x07};		      /* xor %al,(%rdi) */
	static const uint8_t and32[] = {0x21, 0x07};		      /* and %eax,(%rdi) */
	static const uint8_t or64[] = {0x48, 0x09, 0x07};	      /* or %rax,(%rdi) */
	unsigned int len = 0;
	uint16_t w;
	uint64_t q;
	(void)state;
	space[0][0x04] = 0x01, space[0][0x05] = 0x80; /* command 0x8001 */
	writes = dropped = reads = 0;
	flags = 0x202 | 0x1 | 0x800 | 0x10; /* CF, OF, AF set before */
	assert_int_equal(emulate(0x04, 0, &len, or16, sizeof(or16)), 0);
	assert_int_equal(len, 5);
	memcpy(&w, &space[0][0x04], 2);
	assert_int_equal(w, 0x8007);
	assert_int_equal(flags,
			 0x202 | 0x10 | 0x80); /* SF (bit 15), PF clear (0x07: odd), AF kept */
	assert_int_equal(emulate(0x04, 0, &len, and16, sizeof(and16)), 0);
	memcpy(&w, &space[0][0x04], 2);
	assert_int_equal(w, 0x8003);
	assert_int_equal(flags, 0x202 | 0x10 | 0x80 | 0x4); /* 0x03: even parity */
	/* xor of a byte to zero: ZF, PF */
	space[0][0x3c] = 0x5a;
	assert_int_equal(emulate(0x3c, 0x5a, &len, xor8, sizeof(xor8)), 0);
	assert_int_equal(space[0][0x3c], 0);
	assert_int_equal(flags, 0x202 | 0x10 | 0x40 | 0x4);
	/* and of a dword in extended space */
	memcpy(&space[0][0x104], &(uint32_t){0xf0f0f0f0}, 4);
	assert_int_equal(emulate(0x104, 0x3c3c3c3c, &len, and32, sizeof(and32)), 0);
	memcpy(&w, &space[0][0x104], 2);
	assert_int_equal(w, 0x3030);
	assert_int_equal(flags & 0x8c4, 0x4); /* not zero, positive, 0x30 even */
	/* or of 64 bits: both dwords read and written */
	memcpy(&space[0][0x110], &(uint64_t){0x8000000000000001ULL}, 8);
	assert_int_equal(emulate(0x110, 0x100000002ULL, &len, or64, sizeof(or64)), 0);
	memcpy(&q, &space[0][0x110], 8);
	assert_int_equal(q, 0x8000000100000003ULL);
	assert_int_equal(flags & 0x80, 0x80); /* SF from bit 63 */
	assert_int_equal(reads, 5);
	assert_int_equal(writes, 5);
	/* refused before anything is read or written: misaligned, no mapping */
	flags = 0x202;
	assert_int_equal(emulate(0x05, 0, &len, or16, sizeof(or16)), -1);
	assert_int_equal(emulate(0x2000, 0, &len, or16, sizeof(or16)), -1);
	assert_int_equal(reads, 5);
	assert_int_equal(writes, 5);
	assert_int_equal(flags, 0x202);
	/* into the MSI capability: dropped by the policy, still done */
	assert_int_equal(emulate(0x52, 0, &len, or16, sizeof(or16)), 0);
	assert_int_equal(space[0][0x52], PCI_MSI_CTRL_64);
	assert_int_equal(dropped, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_forms), cmocka_unit_test(test_immediate_forms),
		cmocka_unit_test(test_refused),	       cmocka_unit_test(test_values),
		cmocka_unit_test(test_locate),	       cmocka_unit_test(test_emulate),
		cmocka_unit_test(test_store64),	       cmocka_unit_test(test_rmw_forms),
		cmocka_unit_test(test_rmw_refused),    cmocka_unit_test(test_rmw_emulate),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
