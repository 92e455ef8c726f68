/*
 * dom0's /disk on the host: the MBR parser against good and hostile
 * tables, partition devices (offsets, bounds, read-only, vectored
 * transfers checked whole before any piece moves), and the mount
 * and file loading of pvguest/dom0/disk.c over a RAM disk laid out as
 * scripts/mkdisk.py lays out a real one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dom0/disk.h>
#include <fs/part.h>
#include <fs/pfs.h>
#include <fs/ramdisk.h>

#define DISK_SECTORS 512

static uint8_t image[DISK_SECTORS * SECTOR_SIZE];

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Entry i (0-based) of the MBR in s. */
static void entry(uint8_t *s, unsigned int i, uint8_t status, uint8_t type, uint32_t first,
		  uint32_t count)
{
	uint8_t *e = s + 446 + 16 * i;
	memset(e, 0, 16);
	e[0] = status;
	e[4] = type;
	put_le32(e + 8, first);
	put_le32(e + 12, count);
	s[510] = 0x55;
	s[511] = 0xaa;
}

static void test_mbr_parse(void **state)
{
	uint8_t s[SECTOR_SIZE] = {0};
	struct mbr_part p[MBR_PARTS];
	(void)state;
	assert_int_equal(mbr_parse(s, 1000, p), -EINVAL); /* no signature */
	s[510] = 0x55;
	s[511] = 0xaa;
	assert_int_equal(mbr_parse(s, 1000, p), 0); /* a table with no partition */
	entry(s, 0, 0, 0xda, 10, 90);
	entry(s, 2, 0x80, MBR_TYPE_PFS, 100, 900);
	assert_int_equal(mbr_parse(s, 1000, p), 2);
	assert_int_equal(p[0].index, 1);
	assert_int_equal(p[0].type, 0xda);
	assert_false(p[0].active);
	assert_int_equal(p[1].index, 3);
	assert_true(p[1].active);
	assert_int_equal(p[1].first, 100);
	assert_int_equal(p[1].sectors, 900);
	/* entries larger than 2^31 are read as unsigned */
	entry(s, 2, 0, MBR_TYPE_PFS, 0x80000000u, 0x7fffffffu);
	assert_int_equal(mbr_parse(s, 0x100000000ull, p), 2);
	assert_int_equal(p[1].first, 0x80000000ull);
}

static void test_mbr_hostile(void **state)
{
	static const struct {
		uint8_t status, type;
		uint32_t first, count;
	} bad[] = {
		{0, MBR_TYPE_PFS, 0, 10},	   /* over the table itself */
		{0, MBR_TYPE_PFS, 10, 0},	   /* empty */
		{0, MBR_TYPE_PFS, 1000, 1},	   /* past the disk */
		{0, MBR_TYPE_PFS, 990, 11},	   /* reaches past the disk */
		{0, MBR_TYPE_PFS, 1, 0xffffffffu}, /* wraps */
		{0x7f, MBR_TYPE_PFS, 200, 10},	   /* status neither 0 nor 0x80 */
		{0, MBR_TYPE_PFS, 50, 60},	   /* overlaps entry 1 (10..99) */
		{0, MBR_TYPE_PFS, 5, 6},	   /* overlaps its start */
	};
	struct mbr_part p[MBR_PARTS];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t s[SECTOR_SIZE] = {0};
		entry(s, 0, 0, 0xda, 10, 90);
		entry(s, 3, bad[i].status, bad[i].type, bad[i].first, bad[i].count);
		memset(p, 0x5a, sizeof(p));
		if (mbr_parse(s, 1000, p) != -EINVAL)
			fail_msg("bad entry %zu accepted", i);
	}
}

static void test_partition_device(void **state)
{
	static struct device disk;
	static struct part_dev rw, ro, outside;
	uint8_t buf[2 * SECTOR_SIZE];
	(void)state;
	memset(image, 0, sizeof(image));
	assert_int_equal(ramdisk_register(&disk, "pdisk", image, sizeof(image)), 0);
	struct mbr_part a = {.index = 1, .type = 0xda, .first = 100, .sectors = 50};
	struct mbr_part b = {.index = 2, .type = MBR_TYPE_PFS, .first = 150, .sectors = 10};
	struct mbr_part c = {.index = 3, .type = 0xda, .first = 500, .sectors = 13};
	assert_int_equal(part_register(&rw, &disk, &a, false), 0);
	assert_int_equal(part_register(&ro, &disk, &b, true), 0);
	assert_int_equal(part_register(&outside, &disk, &c, false), -EINVAL);
	assert_ptr_equal(device_find("pdiskp1"), &rw.dev);
	assert_ptr_equal(device_find("pdiskp2"), &ro.dev);
	assert_null(device_find("pdiskp3"));
	assert_int_equal(rw.dev.sectors, 50);
	/* a write lands at the partition's offset on the disk */
	memset(buf, 0x77, sizeof(buf));
	assert_int_equal(rw.dev.block->write(&rw.dev, 49, 1, buf), 0);
	assert_int_equal(image[(100 + 49) * SECTOR_SIZE], 0x77);
	assert_int_equal(image[(100 + 48) * SECTOR_SIZE], 0);
	/* nothing past its end, even partly */
	assert_int_equal(rw.dev.block->write(&rw.dev, 49, 2, buf), -EINVAL);
	assert_int_equal(rw.dev.block->read(&rw.dev, 50, 1, buf), -EINVAL);
	assert_int_equal(image[150 * SECTOR_SIZE], 0);
	/* the read-only one reads, and refuses writes */
	image[150 * SECTOR_SIZE] = 0x42;
	assert_int_equal(ro.dev.block->read(&ro.dev, 0, 1, buf), 0);
	assert_int_equal(buf[0], 0x42);
	assert_true(ro.dev.readonly);
	assert_int_equal(ro.dev.block->write(&ro.dev, 0, 1, buf), -EROFS);
	assert_int_equal(image[150 * SECTOR_SIZE], 0x42);
}

static uint64_t seen_sector[4];
static unsigned int seen;

static int fake_submit(struct device *d, struct block_io *ios, unsigned int n)
{
	(void)d;
	for (unsigned int i = 0; i < n; i++) {
		seen_sector[seen++ % 4] = ios[i].sector;
		ios[i].status = 0;
	}
	return 0;
}

static int fake_rw(struct device *d, uint64_t s, uint32_t c, void *b)
{
	(void)d, (void)s, (void)c, (void)b;
	return 0;
}

/* DMA transfers (blkback's path) reach the disk shifted, and only inside. */
static void test_partition_dma(void **state)
{
	static const struct block_ops ops = {.read = fake_rw, .submit_bus = fake_submit};
	static struct device disk = {.name = "dmadisk",
				     .kind = DEV_BLOCK,
				     .block = &ops,
				     .sectors = 1000,
				     .sector_size = SECTOR_SIZE};
	static struct part_dev rw, ro;
	struct mbr_part a = {.index = 1, .type = 0xda, .first = 100, .sectors = 50};
	struct mbr_part b = {.index = 2, .type = 0xda, .first = 200, .sectors = 50};
	(void)state;
	assert_int_equal(part_register(&rw, &disk, &a, false), 0);
	assert_int_equal(part_register(&ro, &disk, &b, true), 0);
	assert_null(rw.dev.block->discard); /* the disk has none */
	assert_non_null(rw.dev.block->submit_bus);
	struct block_io io[2] = {{.write = true, .sector = 0, .count = 8},
				 {.write = false, .sector = 42, .count = 8}};
	seen = 0;
	assert_int_equal(rw.dev.block->submit_bus(&rw.dev, io, 2), 0);
	assert_int_equal(seen, 2);
	assert_int_equal(seen_sector[0], 100);
	assert_int_equal(seen_sector[1], 142);
	assert_int_equal(io[1].sector, 42); /* the caller's view is left as it was */
	io[1].sector = 43;		    /* 43 + 8 > 50: the whole batch is refused */
	assert_int_equal(rw.dev.block->submit_bus(&rw.dev, io, 2), -EINVAL);
	assert_int_equal(seen, 2);
	io[1].sector = 0;
	assert_int_equal(ro.dev.block->submit_bus(&ro.dev, io, 2), -EROFS);
	assert_int_equal(ro.dev.block->submit_bus(&ro.dev, &io[1], 1), 0);
	assert_int_equal(seen_sector[2], 200);
}

static struct block_vec vec_seen[4];
static unsigned int vec_calls;

static int fake_rw_vec(struct device *d, bool write, const struct block_vec *v, unsigned int n)
{
	int rc = block_vec_check(d, write, v, n);
	if (!rc) {
		vec_calls++;
		memcpy(vec_seen, v, (n < 4 ? n : 4) * sizeof(*v));
	}
	return rc;
}

/* Vectored transfers reach the disk shifted, in one call, and only whole and inside. */
static void test_partition_vec(void **state)
{
	static const struct block_ops ops = {.read = fake_rw, .rw_vec = fake_rw_vec};
	static struct device disk = {.name = "vecdisk",
				     .kind = DEV_BLOCK,
				     .block = &ops,
				     .sectors = 1000,
				     .sector_size = SECTOR_SIZE};
	static struct part_dev rw, ro, plain;
	static uint8_t buf[4096] __attribute__((aligned(512)));
	struct mbr_part a = {.index = 1, .type = 0xda, .first = 100, .sectors = 50};
	struct mbr_part b = {.index = 2, .type = 0xda, .first = 200, .sectors = 50};
	(void)state;
	assert_int_equal(part_register(&rw, &disk, &a, false), 0);
	assert_int_equal(part_register(&ro, &disk, &b, true), 0);
	struct block_vec v[2] = {{0, 8, buf}, {42, 8, buf + 512}};
	vec_calls = 0;
	assert_int_equal(rw.dev.block->rw_vec(&rw.dev, false, v, 2), 0);
	assert_int_equal(vec_calls, 1);
	assert_int_equal(vec_seen[0].sector, 100);
	assert_int_equal(vec_seen[1].sector, 142);
	assert_ptr_equal(vec_seen[1].buf, buf + 512);
	assert_int_equal(v[1].sector, 42); /* the caller's pieces are left as they were */
	v[1].sector = 43;		   /* 43 + 8 > 50: the whole call is refused */
	assert_int_equal(rw.dev.block->rw_vec(&rw.dev, false, v, 2), -EINVAL);
	v[1] = (struct block_vec){50, 1, buf};
	assert_int_equal(rw.dev.block->rw_vec(&rw.dev, false, v, 2), -EINVAL);
	v[1] = (struct block_vec){8, 1, buf + 1}; /* unaligned */
	assert_int_equal(rw.dev.block->rw_vec(&rw.dev, false, v, 2), -EINVAL);
	assert_int_equal(rw.dev.block->rw_vec(&rw.dev, false, v, 0), -EINVAL);
	assert_int_equal(vec_calls, 1);
	assert_int_equal(ro.dev.block->rw_vec(&ro.dev, true, v, 1), -EROFS);
	assert_int_equal(ro.dev.block->rw_vec(&ro.dev, false, v, 1), 0);
	assert_int_equal(vec_seen[0].sector, 200);
	/* A disk without rw_vec: the partition offers none, block_rw_vec goes piece by piece. */
	memset(image, 0, sizeof(image));
	static struct device ram;
	assert_int_equal(ramdisk_register(&ram, "vram", image, sizeof(image)), 0);
	assert_int_equal(part_register(&plain, &ram, &a, false), 0);
	assert_null(plain.dev.block->rw_vec);
	memset(buf, 0x5a, sizeof(buf));
	v[0] = (struct block_vec){49, 1, buf};
	v[1] = (struct block_vec){0, 2, buf};
	assert_int_equal(block_rw_vec(&plain.dev, true, v, 2), 0);
	assert_int_equal(image[149 * SECTOR_SIZE], 0x5a);
	assert_int_equal(image[101 * SECTOR_SIZE + 511], 0x5a);
	v[1].sector = 49; /* 49 + 2 > 50: nothing written, not even the first piece */
	v[0].sector = 10;
	assert_int_equal(block_rw_vec(&plain.dev, true, v, 2), -EINVAL);
	assert_int_equal(image[110 * SECTOR_SIZE], 0);
}

/* A pfs with two files into image sectors [first, first + count). */
static void make_pfs(uint64_t first, uint64_t count, size_t big_len)
{
	static struct device tmp;
	static unsigned int n;
	static char name[8][8];
	struct pfs fs;
	snprintf(name[n], sizeof(name[n]), "tmp%u", n);
	assert_int_equal(
		ramdisk_register(&tmp, name[n++], image + first * SECTOR_SIZE, count * SECTOR_SIZE),
		0);
	assert_int_equal(pfs_format(&tmp, 2), 0);
	assert_int_equal(pfs_mount(&fs, &tmp), 0);
	int t = pfs_create(&fs, "hx.cfg", 1);
	assert_true(t >= 0);
	assert_int_equal(pfs_write(&fs, t, 0, "pvguest-domU name=x\n", 20), 20);
	uint8_t *big = malloc(big_len);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (uint8_t)(i * 13 + i / 512);
	int b = pfs_create(&fs, "boot/guest", (uint32_t)(big_len / SECTOR_SIZE + 1));
	assert_true(b >= 0);
	assert_int_equal(pfs_write(&fs, b, 0, big, big_len), (long)big_len);
	free(big);
}

static void test_mount_and_load(void **state)
{
	static struct pfs fs_probe; /* the test's own look at the same pfs */
	static struct device disk;
	void *buf;
	size_t len;
	struct pfs_dirent e;
	(void)state;
	memset(image, 0, sizeof(image));
	assert_int_equal(ramdisk_register(&disk, "sata9", image, sizeof(image)), 0);
	/* nothing mounted yet: every call says so */
	assert_null(dom0_disk_device());
	assert_int_equal(dom0_disk_load("/disk/hx.cfg", &buf, &len), -ENODEV);
	assert_int_equal(dom0_disk_entry(0, &e), -ENODEV);
	uint64_t f0, n0;
	assert_int_equal(dom0_disk_region("/disk/hx.cfg", &f0, &n0), -ENODEV);
	assert_int_equal(dom0_disk_mount("nosuch"), -ENODEV);
	assert_int_equal(dom0_disk_mount("sata9"), -EINVAL); /* no table */
	/* partition 1: another type; 2: type 0x7F but no pfs; 3: the pfs */
	entry(image, 0, 0, 0xda, 8, 56);
	entry(image, 1, 0, MBR_TYPE_PFS, 64, 64);
	entry(image, 2, 0, MBR_TYPE_PFS, 128, 384);
	make_pfs(128, 384, 70000);
	assert_int_equal(dom0_disk_mount("sata9"), 0);
	struct device *d = dom0_disk_device();
	assert_int_equal(pfs_mount(&fs_probe, d), 0);
	assert_non_null(d);
	assert_string_equal(d->name, "sata9p3");
	assert_true(d->readonly);
	assert_false(device_find("sata9p1")->readonly); /* a domU's, writable */
	assert_int_equal(dom0_disk_mount("sata9"), -EBUSY);
	/* paths */
	assert_null(dom0_disk_file("hx.cfg"));
	assert_null(dom0_disk_file("/diskette/x"));
	assert_string_equal(dom0_disk_file("/disk/boot/guest"), "boot/guest");
	/* whole files, one across many sectors */
	assert_int_equal(dom0_disk_load("/disk/hx.cfg", &buf, &len), 0);
	assert_int_equal(len, 20);
	assert_memory_equal(buf, "pvguest-domU name=x\n", 20);
	free(buf);
	assert_int_equal(dom0_disk_load("/disk/boot/guest", &buf, &len), 0);
	assert_int_equal(len, 70000);
	for (size_t i = 0; i < len; i++)
		if (((uint8_t *)buf)[i] != (uint8_t)(i * 13 + i / 512))
			fail_msg("byte %zu differs", i);
	free(buf);
	/* a file as a region of the partition (a domU's disk) */
	uint64_t first, sectors;
	struct pfs_dirent g;
	assert_true(pfs_lookup(&fs_probe, "boot/guest", &g) >= 0);
	assert_int_equal(dom0_disk_region("/disk/boot/guest", &first, &sectors), 0);
	assert_int_equal(first, g.start);
	assert_int_equal(sectors, (70000 + 511) / 512);
	assert_int_equal(dom0_disk_region("/disk/nosuch", &first, &sectors), -ENOENT);
	assert_int_equal(dom0_disk_region("boot/guest", &first, &sectors), -ENOENT);
	/* what is not there */
	assert_int_equal(dom0_disk_load("/disk/nosuch", &buf, &len), -ENOENT);
	assert_int_equal(dom0_disk_load("/disk/", &buf, &len), -ENOENT);
	assert_int_equal(dom0_disk_load("hx.cfg", &buf, &len), -ENOENT);
	assert_int_equal(dom0_disk_load("/disk/a-name-far-longer-than-pfs-allows-for-any-file-x",
					&buf, &len),
			 -ENAMETOOLONG);
	/* the directory lists both files */
	unsigned int files = 0;
	for (unsigned int i = 0; dom0_disk_entry(i, &e) == 0; i++)
		files += e.name[0] != 0;
	assert_int_equal(files, 2);
	/* a corrupt entry is an error, not a read outside the partition */
	uint8_t *dir = image + (128 + 1) * SECTOR_SIZE;
	for (int i = 0; i < 2; i++) {
		struct pfs_dirent *de = (struct pfs_dirent *)dir + i;
		if (strcmp(de->name, "boot/guest") == 0)
			de->extent = 0x7fffffff;
	}
	assert_int_equal(dom0_disk_load("/disk/boot/guest", &buf, &len), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbr_parse),	 cmocka_unit_test(test_mbr_hostile),
		cmocka_unit_test(test_partition_device), cmocka_unit_test(test_partition_dma),
		cmocka_unit_test(test_partition_vec),	 cmocka_unit_test(test_mount_and_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
