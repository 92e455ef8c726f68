/*
 * mkpfs: builds and lists pfs images on the host (format: fs/pfs.h and
 * docs/guest-processes.md), with the guest kernel's own fs/pfs.c.
 *
 *   mkpfs IMAGE KIB NAME=HOSTFILE...   a new image of KIB KiB holding the
 *                                      files (NAME is the name inside)
 *   mkpfs -l IMAGE                     lists the files of an image
 *
 * The image lives in memory behind a block device of the same shape as
 * the guest's RAM disk, and is written out whole at the end.
 */
#include <errno.h>
#include <fs/pfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIR_SECTORS 16 /* 128 files */

static int mem_read(struct device *d, uint64_t first, uint32_t count, void *buf)
{
	if (first > d->sectors || count > d->sectors - first)
		return -EINVAL;
	memcpy(buf, (char *)d->priv + first * SECTOR_SIZE, (size_t)count * SECTOR_SIZE);
	return 0;
}

static int mem_write(struct device *d, uint64_t first, uint32_t count, const void *buf)
{
	if (first > d->sectors || count > d->sectors - first)
		return -EINVAL;
	memcpy((char *)d->priv + first * SECTOR_SIZE, buf, (size_t)count * SECTOR_SIZE);
	return 0;
}

static const struct block_ops mem_ops = {.read = mem_read, .write = mem_write};
static struct device disk = {
	.name = "image", .kind = DEV_BLOCK, .block = &mem_ops, .sector_size = SECTOR_SIZE};

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	if (!f)
		return NULL;
	do {
		if (n == cap && !(buf = realloc(buf, cap = cap * 2 + 65536)))
			exit(1);
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	*len = n;
	return buf;
}

static int list(const char *image)
{
	struct pfs fs;
	struct pfs_dirent e;
	size_t len;
	if (!(disk.priv = slurp(image, &len)))
		return perror(image), 1;
	disk.sectors = len / SECTOR_SIZE;
	if (pfs_mount(&fs, &disk))
		return fprintf(stderr, "%s: not a pfs image\n", image), 1;
	printf("%s: %lu sectors, %lu used\n", image, (unsigned long)fs.sb.total_sectors,
	       (unsigned long)fs.sb.next_free);
	for (unsigned int i = 0; pfs_entry(&fs, i, &e) == 0; i++)
		if (e.name[0])
			printf("%-32s %8u bytes  sectors %lu+%u\n", e.name, e.size,
			       (unsigned long)e.start, e.extent);
	return 0;
}

static int add(struct pfs *fs, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char name[PFS_NAME_MAX];
	size_t len;
	if (!eq || (size_t)(eq - spec) >= sizeof(name))
		return fprintf(stderr, "mkpfs: bad entry %s (want NAME=FILE)\n", spec), 1;
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = '\0';
	void *data = slurp(eq + 1, &len);
	if (!data)
		return perror(eq + 1), 1;
	int slot = pfs_create(fs, name, (uint32_t)((len + SECTOR_SIZE - 1) / SECTOR_SIZE));
	long w = slot < 0 ? slot : pfs_write(fs, (unsigned int)slot, 0, data, len);
	free(data);
	if (w < 0 || (size_t)w != len)
		return fprintf(stderr, "mkpfs: %s: error %ld\n", name, w), 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct pfs fs;
	if (argc == 3 && strcmp(argv[1], "-l") == 0)
		return list(argv[2]);
	if (argc < 3)
		return fprintf(stderr, "usage: mkpfs IMAGE KIB NAME=FILE... | mkpfs -l IMAGE\n"), 2;
	disk.sectors = strtoul(argv[2], NULL, 0) * 2;
	if (!(disk.priv = calloc(disk.sectors, SECTOR_SIZE)))
		return 1;
	if (pfs_format(&disk, DIR_SECTORS) || pfs_mount(&fs, &disk))
		return fprintf(stderr, "mkpfs: image too small\n"), 1;
	for (int i = 3; i < argc; i++)
		if (add(&fs, argv[i]))
			return 1;
	FILE *out = fopen(argv[1], "wb");
	if (!out || fwrite(disk.priv, SECTOR_SIZE, disk.sectors, out) != disk.sectors ||
	    fclose(out))
		return perror(argv[1]), 1;
	return 0;
}
