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
};

/* 0 and *out, or -XEN_EINVAL / -XEN_EEXIST / -XEN_ENOMEM (nothing left allocated). */
int domain_create(const struct domain_config *cfg, struct domain **out);
/* Return every frame and resource of d; d must not be running anywhere. */
void domain_destroy(struct domain *d);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
unsigned int domain_count(void);

/* Called when a domain shuts down (dom0's ends the machine; set by start of day). */
extern void (*domain_shutdown_hook)(struct domain *d, unsigned int reason);

#endif
