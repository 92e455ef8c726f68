/*
 * XenStore daemon internals shared by its files:
 *   tree.c        nodes, lookup, creation, removal, ownership counts, clone
 *   path.c        path validation and canonical form, permission strings
 *   watch.c       watches and event delivery
 *   transaction.c transactions: access log, private copy, conflict check, commit
 *   conn.c        message framing on a ring, output queue, back-pressure
 *   requests.c    one handler per message type (decode, check, act)
 *   domain.c      introduce / release / dying domains
 * Single-threaded: dom0 runs the daemon from one thread, so no locks.
 */
#ifndef XENSTORED_INTERNAL_H
#define XENSTORED_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <xenbus/xs_ring.h>
#include "xenstored.h"

/* Errors, in the order of XSD_ERROR_NAMES (xs_wire.h); 0 is success. */
enum xsd_err {
	XSD_OK = 0,
	XSD_EINVAL,
	XSD_EACCES,
	XSD_EEXIST,
	XSD_EISDIR,
	XSD_ENOENT,
	XSD_ENOMEM,
	XSD_ENOSPC,
	XSD_EIO,
	XSD_ENOTEMPTY,
	XSD_ENOSYS,
	XSD_EROFS,
	XSD_EBUSY,
	XSD_EAGAIN,
	XSD_EISCONN,
	XSD_E2BIG,
	XSD_EPERM,
};
const char *xsd_err_name(enum xsd_err e);

/* ---- permissions (path.c) ---- */
#define PERM_NONE  0u
#define PERM_READ  1u
#define PERM_WRITE 2u
#define PERM_BOTH  3u
#define PERM_OWNER 4u

struct xs_perm {
	uint16_t domid;
	uint8_t mode; /* PERM_* */
};
/* Entry 0 names the owner and the default for domains not listed. */
struct xs_perms {
	unsigned int num;
	struct xs_perm *p;
};

/* ---- nodes (tree.c) ---- */
struct xs_node {
	char *name; /* last path component; "" for the root */
	struct xs_node *parent;
	struct xs_node **child;
	unsigned int nchild, child_cap;
	char *value;
	unsigned int len;
	struct xs_perms perms;
	uint64_t gen; /* generation of the last change (never 0) */
};

struct owner_count {
	uint16_t domid;
	unsigned int nodes;
};

struct xs_tree {
	struct xs_node *root;
	struct owner_count *owners;
	unsigned int nowners;
	unsigned int nnodes;
};

int tree_init(struct xs_tree *t);
void tree_free(struct xs_tree *t);
int tree_clone(struct xs_tree *dst, const struct xs_tree *src);
struct xs_node *tree_lookup(struct xs_tree *t, const char *path);
/* Deepest existing node on the way to `path` (the node itself if present). */
struct xs_node *tree_nearest(struct xs_tree *t, const char *path, unsigned int *missing);
/* Create `path` and missing ancestors; new nodes inherit perms, owned by `owner` if >= 0. */
int tree_create(struct xs_tree *t, const char *path, int owner, uint64_t gen, struct xs_node **out);
int tree_set_value(struct xs_node *n, const char *val, unsigned int len);
int tree_set_perms(struct xs_tree *t, struct xs_node *n, const struct xs_perms *perms);
void tree_remove(struct xs_tree *t, struct xs_node *n);
unsigned int tree_owned(const struct xs_tree *t, uint16_t domid);
void tree_chown_all(struct xs_tree *t, uint16_t from, uint16_t to);
/* Write the full path of `n` into buf (size XENSTORE_ABS_PATH_MAX + 1). */
void tree_path(const struct xs_node *n, char *buf);
bool tree_check(const struct xs_tree *t);

/* ---- paths and permission strings (path.c) ---- */
#define XSD_PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)
/* Canonical absolute path of `in` for domain `domid` into out[XSD_PATH_BUF]. */
enum xsd_err path_canonical(const char *in, uint16_t domid, char *out);
bool path_is_special(const char *p);
/* True if `p` is `base` or lies below it. */
bool path_within(const char *p, const char *base);
unsigned int perm_for(const struct xs_perms *perms, uint16_t domid, bool privileged);
/* Parse `n` NUL-terminated strings at `s` into perms (p[] sized n). */
enum xsd_err perms_parse(const char *s, unsigned int n, struct xs_perms *perms);
/* Format perms as "r0\0b5\0" into buf; returns bytes used. */
unsigned int perms_format(const struct xs_perms *perms, char *buf, unsigned int size);

/* ---- daemon state ---- */
struct out_msg {
	struct out_msg *next;
	uint32_t len, off; /* whole message bytes, bytes already sent */
	char data[];
};

struct xsd_watch {
	struct xsd_watch *next;
	char *path; /* canonical, or a special "@..." name */
	char *token;
	unsigned int strip; /* prefix length removed from event paths (relative watch) */
};

struct xsd_access {
	char *path;
	size_t len;	   /* strlen(path): most paths differ in it, a cheap first test */
	uint64_t base_gen; /* main-tree generation seen (0: absent) */
	bool dirty, fire;
};

struct xsd_txn {
	struct xsd_txn *next;
	uint32_t id;
	bool cloned;	      /* `tree` taken (at the first change) */
	struct xs_tree tree;  /* private copy the transaction changes */
	struct xs_tree *live; /* the main tree, read until the first change */
	struct xsd_access *acc;
	unsigned int nacc, acc_cap, max_acc;
};

struct xsd_conn {
	struct xsd_conn *next;
	struct xsd *xsd;
	uint16_t domid;
	bool privileged, introduced, broken;
	bool shut_down; /* @releaseDomain already fired for its shutdown */
	uint64_t gfn;
	uint32_t port;
	void *notify_arg;
	struct xs_ring ring;
	/* input: header, then payload (NUL-terminated copy), or bytes to skip */
	struct xsd_sockmsg hdr;
	uint32_t in_got, skip;
	char in[XENSTORE_PAYLOAD_MAX + 1];
	/* output queue */
	struct out_msg *out_head, *out_tail;
	unsigned int out_count;
	struct xsd_watch *watches;
	unsigned int nwatches;
	struct xsd_txn *txns;
	unsigned int ntxns;
	uint32_t next_txid;
};

struct xsd {
	struct xsd_ops ops;
	struct xsd_quota quota;
	struct xs_tree tree;
	uint64_t gen;
	struct xsd_conn *conns;
	unsigned long dropped_events;
	unsigned long log_lines;     /* failures logged or suppressed (rate limit) */
	char path_buf[XSD_PATH_BUF]; /* the request being served (one at a time) */
};

/* conn.c */
struct xsd_conn *conn_find(struct xsd *d, uint16_t domid);
void conn_free(struct xsd_conn *c);
void conn_queue(struct xsd_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *a,
		uint32_t alen, const void *b, uint32_t blen);
bool conn_serve(struct xsd_conn *c);
void xsd_log(struct xsd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* requests.c */
void request_dispatch(struct xsd_conn *c, const struct xsd_sockmsg *hdr, char *payload);

/* watch.c */
enum xsd_err watch_add(struct xsd_conn *c, const char *path, const char *token, bool relative);
enum xsd_err watch_remove(struct xsd_conn *c, const char *path, const char *token);
void watch_free_all(struct xsd_conn *c);
/* A node at `path` changed (perms: its permissions); recurse also fires watches below it. */
void watch_fire(struct xsd *d, const char *path, const struct xs_perms *perms, bool recurse);
/* Only the watches on `path` or below it (a node removed inside a rebuilt subtree). */
void watch_fire_below(struct xsd *d, const char *path, const struct xs_perms *perms);
void watch_fire_special(struct xsd *d, const char *name);
void watch_fire_new(struct xsd_conn *c, const char *path, const char *token);

/* transaction.c */
enum xsd_err txn_start(struct xsd_conn *c, uint32_t *id);
struct xsd_txn *txn_find(struct xsd_conn *c, uint32_t id);
enum xsd_err txn_end(struct xsd_conn *c, struct xsd_txn *t, bool commit);
enum xsd_err txn_note(struct xsd_txn *t, const char *path, bool dirty, bool fire);
/* The tree a request in `t` works on; a change needs the private copy (ENOMEM). */
struct xs_tree *txn_view(struct xsd_conn *c, struct xsd_txn *t, bool change, enum xsd_err *e);
void txn_free_all(struct xsd_conn *c);

/* domain.c */
enum xsd_err domain_introduce(struct xsd *d, uint16_t domid, uint64_t gfn, uint32_t port);
void domain_release(struct xsd *d, struct xsd_conn *c);
struct xsd_conn *domain_attach(struct xsd *d, uint16_t domid, struct xenstore_domain_interface *i,
			       void *notify_arg);

#endif /* XENSTORED_INTERNAL_H */
