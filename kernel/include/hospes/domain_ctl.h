/*
 * Domain lifecycle (kernel/domain/domain.c): create, pause/unpause,
 * shutdown, destroy, and the list of live domains.
 */
#ifndef HOSPES_DOMAIN_CTL_H
#define HOSPES_DOMAIN_CTL_H

#include <hospes/domain.h>

struct domain_config {
	domid_t id;
	bool privileged;
	unsigned int max_vcpus;
	unsigned long nr_pages; /* RAM in 4 KiB pages */
	const char *name;
	bool empty; /* toolstack (domctl) build: vCPUs and RAM come later; 0/0 allowed */
};

/* 0 and *out, or -XEN_EINVAL / -XEN_EEXIST / -XEN_ENOMEM (nothing left allocated). */
int domain_create(const struct domain_config *cfg, struct domain **out);
/* Return every frame and resource of d; d must not be running anywhere. */
void domain_destroy(struct domain *d);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
unsigned int domain_count(void);

/* domctl max_vcpus: give an empty domain n vCPUs (once); -XEN_EEXIST / -XEN_EINVAL / -ENOMEM. */
int domain_set_max_vcpus(struct domain *d, unsigned int n);
/* domctl max_mem in pages; the first call gives an empty domain its p2m and grant table. */
int domain_set_max_pages(struct domain *d, unsigned long pages);
/* The lowest id >= 1 no domain uses, or DOMID_INVALID. */
domid_t domain_free_id(void);
/* The live domain with the smallest id >= from with a reference (domain_put() it), or NULL. */
struct domain *domain_next(domid_t from);
/* domain_pause(), then wait until no vCPU of d is running on any CPU. */
void domain_pause_sync(struct domain *d);

/* Called when a domain shuts down (dom0's ends the machine; set by start of day). */
extern void (*domain_shutdown_hook)(struct domain *d, unsigned int reason);

#endif
