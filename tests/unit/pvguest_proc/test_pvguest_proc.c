/*
 * The pure parts under pvguest's processes on the host: the pfs file
 * system on a RAM disk (format, files across sector edges, growth of the
 * last extent, limits, corrupt images) and the ELF checks a program file
 * must pass before it becomes a process (every field that could point
 * outside the file or the user range).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <fs/pfs.h>
#include <fs/ramdisk.h>
#include <proc/elf.h>

#define DISK_SECTORS 256

static uint8_t image[DISK_SECTORS * SECTOR_SIZE];
static struct device *disk;
static struct pfs fs;

/* A new RAM disk device over image (the device table keeps every one). */
static void fresh_disk(void)
{
	static struct device devs[8];
	static const char *names[8] = {"ram0", "ram1", "ram2", "ram3",
				       "ram4", "ram5", "ram6", "ram7"};
	static unsigned int n;
	assert_true(n < 8);
	memset(image, 0xa5, sizeof(image));
	disk = &devs[n];
	assert_int_equal(ramdisk_register(disk, names[n], image, sizeof(image)), 0);
	assert_int_equal(ramdisk_register(disk, names[n], image, sizeof(image)), -EEXIST);
	n++;
	assert_int_equal(pfs_format(disk, 2), 0);
	assert_int_equal(pfs_mount(&fs, disk), 0);
}

static void test_pfs_files(void **state)
{
	(void)state;
	char big[1500], back[1500];
	struct pfs_dirent e;
	fresh_disk();
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 1);
	int a = pfs_create(&fs, "bin/a", 4);
	assert_true(a >= 0);
	assert_int_equal(pfs_create(&fs, "bin/a", 1), -EEXIST);
	/* an unaligned write across three sectors, then a read of it all */
	assert_int_equal(pfs_write(&fs, a, 100, big, sizeof(big)), sizeof(big));
	assert_int_equal(pfs_lookup(&fs, "bin/a", &e), a);
	assert_int_equal(e.size, 100 + sizeof(big));
	assert_int_equal(pfs_read(&fs, a, 100, back, sizeof(back)), sizeof(back));
	assert_memory_equal(back, big, sizeof(big));
	/* reads stop at the end of the file */
	assert_int_equal(pfs_read(&fs, a, 1590, back, 100), 10);
	assert_int_equal(pfs_read(&fs, a, 5000, back, 100), 0);
	/* the last extent grows in place; an earlier one cannot */
	assert_int_equal(pfs_write(&fs, a, 4 * SECTOR_SIZE, "x", 1), 1);
	int b = pfs_create(&fs, "b", 1);
	assert_true(b >= 0);
	assert_int_equal(pfs_write(&fs, a, 10 * SECTOR_SIZE, "y", 1), -EFBIG);
	assert_int_equal(pfs_write(&fs, b, 0, big, sizeof(big)), sizeof(big));
	/* survives a remount; unlink and truncate */
	assert_int_equal(pfs_mount(&fs, disk), 0);
	assert_int_equal(pfs_read(&fs, b, 0, back, sizeof(back)), sizeof(big));
	assert_memory_equal(back, big, sizeof(big));
	assert_int_equal(pfs_truncate(&fs, b), 0);
	assert_int_equal(pfs_read(&fs, b, 0, back, 1), 0);
	assert_int_equal(pfs_unlink(&fs, "bin/a"), 0);
	assert_int_equal(pfs_lookup(&fs, "bin/a", &e), -ENOENT);
	assert_int_equal(pfs_unlink(&fs, "bin/a"), -ENOENT);
}

static void test_pfs_limits(void **state)
{
	(void)state;
	char name[80];
	struct pfs_dirent e;
	fresh_disk();
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(pfs_create(&fs, name, 1), -ENAMETOOLONG);
	assert_int_equal(pfs_create(&fs, "", 1), -EINVAL);
	assert_int_equal(pfs_create(&fs, "huge", DISK_SECTORS), -ENOSPC);
	/* 2 directory sectors: 16 slots */
	assert_int_equal(pfs_slots(&fs), 16);
	for (int i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(pfs_create(&fs, name, 1), i);
	}
	assert_int_equal(pfs_create(&fs, "one-more", 1), -ENOSPC);
	assert_int_equal(pfs_entry(&fs, 16, &e), -ENOENT);
}

static void test_pfs_corrupt(void **state)
{
	(void)state;
	struct pfs_super sb;
	struct pfs_dirent e;
	char buf[8];
	fresh_disk();
	int a = pfs_create(&fs, "a", 2);
	assert_true(a >= 0);
	/* a directory entry pointing past the used area is refused */
	struct pfs_dirent *d = (struct pfs_dirent *)(image + SECTOR_SIZE);
	d->start = DISK_SECTORS * 4;
	assert_int_equal(pfs_entry(&fs, a, &e), -EIO);
	assert_int_equal(pfs_read(&fs, a, 0, buf, sizeof(buf)), -EIO);
	d->start = 3, d->extent = 2, d->size = 3 * SECTOR_SIZE; /* size beyond extent */
	assert_int_equal(pfs_entry(&fs, a, &e), -EIO);
	/* bad superblocks */
	memcpy(&sb, image, sizeof(sb));
	sb.total_sectors = DISK_SECTORS + 1;
	memcpy(image, &sb, sizeof(sb));
	assert_int_equal(pfs_mount(&fs, disk), -EINVAL);
	sb.total_sectors = DISK_SECTORS, sb.next_free = 1;
	memcpy(image, &sb, sizeof(sb));
	assert_int_equal(pfs_mount(&fs, disk), -EINVAL);
	image[0] = 'X';
	assert_int_equal(pfs_mount(&fs, disk), -EINVAL);
	/* the RAM disk refuses transfers past its end */
	assert_int_equal(disk->block->read(disk, DISK_SECTORS - 1, 2, image), -EINVAL);
}

/* A minimal static executable: one PT_LOAD at vaddr, entry inside it. */
static size_t make_elf(uint8_t *f, uint64_t vaddr, uint64_t memsz, uint64_t filesz, uint64_t entry)
{
	memset(f, 0, 4096);
	memcpy(f, "\177ELF", 4);
	f[4] = 2, f[5] = 1, f[6] = 1;
	uint16_t h16[] = {2, 62};
	memcpy(f + 16, h16, sizeof(h16));
	uint64_t e = entry, phoff = 64;
	memcpy(f + 24, &e, 8);
	memcpy(f + 32, &phoff, 8);
	uint16_t phentsize = 56, phnum = 1;
	memcpy(f + 54, &phentsize, 2);
	memcpy(f + 56, &phnum, 2);
	uint32_t type = 1;
	uint64_t off = 0;
	memcpy(f + 64, &type, 4);
	memcpy(f + 64 + 8, &off, 8);
	memcpy(f + 64 + 16, &vaddr, 8);
	memcpy(f + 64 + 32, &filesz, 8);
	memcpy(f + 64 + 40, &memsz, 8);
	return 4096;
}

static void test_elf(void **state)
{
	(void)state;
	static uint8_t f[4096];
	struct elf_image img;
	const uint64_t lo = 0x400000, hi = 0x3ff00000;
	size_t len = make_elf(f, lo, 0x3000, 0x1000, lo + 0x10);
	assert_int_equal(elf_check(f, len, lo, hi, &img), 0);
	assert_int_equal(img.entry, lo + 0x10);
	assert_int_equal(img.end, lo + 0x3000);
	assert_int_equal(img.nsegs, 1);
	/* truncated files, wrong class or machine */
	assert_int_equal(elf_check(f, 63, lo, hi, &img), -ENOEXEC);
	assert_int_equal(elf_check(f, 100, lo, hi, &img), -ENOEXEC);
	f[4] = 1;
	assert_int_equal(elf_check(f, len, lo, hi, &img), -ENOEXEC);
	/* segment outside the user range, or wrapping around */
	len = make_elf(f, 0x1000, 0x1000, 0x1000, 0x1000);
	assert_int_equal(elf_check(f, len, lo, hi, &img), -EFAULT);
	len = make_elf(f, lo, UINT64_MAX - lo + 2, 0, lo);
	assert_int_equal(elf_check(f, len, lo, hi, &img), -EFAULT);
	/* file bytes beyond the file, filesz > memsz, entry outside */
	len = make_elf(f, lo, 0x3000, 0x2000, lo);
	assert_int_equal(elf_check(f, len, lo, hi, &img), -ENOEXEC);
	len = make_elf(f, lo, 0x100, 0x200, lo);
	assert_int_equal(elf_check(f, len, lo, hi, &img), -ENOEXEC);
	len = make_elf(f, lo, 0x1000, 0x1000, lo + 0x1000);
	assert_int_equal(elf_check(f, len, lo, hi, &img), -ENOEXEC);
	/* a program header table past the end of the file */
	len = make_elf(f, lo, 0x1000, 0x1000, lo);
	uint64_t phoff = len - 8;
	memcpy(f + 32, &phoff, 8);
	assert_int_equal(elf_check(f, len, lo, hi, &img), -ENOEXEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pfs_files),
		cmocka_unit_test(test_pfs_limits),
		cmocka_unit_test(test_pfs_corrupt),
		cmocka_unit_test(test_elf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
