/*
 * The device table: drivers register what they provide (a console, a
 * block device, a network interface) under a name; newlib's glue and the
 * programs look devices up by name.  The guest kernel so never includes a
 * driver (STYLE.md, layering).
 */
#ifndef PVGUEST_CORE_DEVICE_H
#define PVGUEST_CORE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum device_kind { DEV_CONSOLE, DEV_BLOCK, DEV_NET };

struct device;
struct event_counter;

/*
 * A transfer between a block device and machine memory by DMA, no copy:
 * `count` sectors from `sector` on, the data laid end to end in the
 * pieces sg[0..nsg), each inside one page and a multiple of the sector
 * size long.  A backend hands in frames it mapped with
 * GNTMAP_device_map (their dev_bus_addr), so the device reads or
 * writes another domain's pages directly.
 */
struct block_sg {
	uint64_t bus;
	uint32_t len;
};

struct block_io {
	bool write;
	uint64_t sector;
	uint32_t count;
	const struct block_sg *sg;
	unsigned int nsg;
	int status; /* out: 0 or -errno */
};

/*
 * One piece of a vectored transfer (block_ops.rw_vec): `count` sectors
 * from `sector` on, to or from buf.  A caller keeps several reads in
 * flight at once this way (a queue depth, as fio's iodepth), where one
 * read or write call has only its own requests in flight.
 */
struct block_vec {
	uint64_t sector;
	uint32_t count;
	void *buf;
};

#define BLOCK_VEC_MAX	64  /* pieces per rw_vec call */
#define BLOCK_VEC_ALIGN 512 /* every piece's buf is aligned to it */

/*
 * A block device's operations, in sectors of the device's sector_size.
 * Each call blocks the calling thread (others run meanwhile) until the
 * data is in place; buf is any memory of the domain's RAM.  0 or -errno
 * (-EINVAL for a range past the end, -EROFS, -EIO).  A NULL flush means
 * there is no volatile cache to flush; a NULL discard, no discard.
 */
struct block_ops {
	int (*read)(struct device *d, uint64_t sector, uint32_t count, void *buf);
	int (*write)(struct device *d, uint64_t sector, uint32_t count, const void *buf);
	int (*flush)(struct device *d);
	int (*discard)(struct device *d, uint64_t sector, uint64_t count);
	/*
	 * Optional (NULL: the device cannot DMA to machine addresses): the
	 * transfers ios[0..n) all in flight together, returning when each
	 * has its status.  0, or -errno if the call itself is wrong.
	 */
	int (*submit_bus)(struct device *d, struct block_io *ios, unsigned int n);
	/*
	 * Optional (NULL: block_rw_vec runs one read or write per piece):
	 * the pieces v[0..n) all in flight together, as far as the device
	 * can queue them, returning when every piece is done.  Every piece
	 * is checked before anything is issued (block_vec_check): 1 to
	 * BLOCK_VEC_MAX pieces, each count >= 1 and inside the device, buf
	 * aligned to BLOCK_VEC_ALIGN (-EINVAL); no write to a read-only
	 * device (-EROFS); a refused call moves no data.  0, or the first
	 * error (-EIO, ...): the data of the pieces is then undefined.
	 */
	int (*rw_vec)(struct device *d, bool write, const struct block_vec *v, unsigned int n);
};

struct device {
	const char *name;
	enum device_kind kind;
	void *priv;
	/* Byte-stream devices; NULL where not supported. -errno on failure. */
	ssize_t (*read)(struct device *d, void *buf, size_t len);
	ssize_t (*write)(struct device *d, const void *buf, size_t len);
	/* DEV_BLOCK only. */
	const struct block_ops *block;
	uint64_t sectors;
	uint32_t sector_size;
	bool readonly;
	/*
	 * DEV_NET only (read/write move whole Ethernet frames; read gives
	 * -EAGAIN when none waits).  rx_event, if set, is signalled when
	 * frames may have arrived (else the reader polls); set_promisc, if
	 * set, makes the device receive frames for every MAC (a bridge port).
	 */
	struct event_counter *rx_event;
	int (*set_promisc)(struct device *d, bool on);
};

#define SECTOR_SIZE 512 /* the unit of pfs (pvguest/fs), which needs devices of it */

#define DEVICES_MAX 16

/* 0, or -EEXIST (name taken), -ENOSPC (table full), -EINVAL. */
int device_register(struct device *d);
struct device *device_find(const char *name);

/* rw_vec's checks of v[0..n) against block device d: 0, -EINVAL or -EROFS. */
int block_vec_check(const struct device *d, bool write, const struct block_vec *v, unsigned int n);
/* d's rw_vec, or (none) the checks and then one read or write per piece, in order. */
int block_rw_vec(struct device *d, bool write, const struct block_vec *v, unsigned int n);

#endif
