/*
 * hx, dom0's toolstack command (`hx <command> ...`), in the spirit of
 * Xen's xl.  Each sub-command is a function with the shell's signature;
 * hx.c dispatches, the others implement.
 */
#ifndef DOM0_HX_HX_H
#define DOM0_HX_HX_H

#include "args.h"
#include "ctl.h"
#include <stdbool.h>

/* The domain a target names (id or name); prints why not and returns false. */
bool hx_resolve(const char *cmd, const struct hx_target *t, domid_t *out);
/* The xl-style state letters of a domain: r b p s c d. */
void hx_state(const hx_dominfo_t *info, char out[7]);

int hx_top(int argc, char **argv);
int hx_console(int argc, char **argv);
int hx_create(int argc, char **argv);
int hx_wait(int argc, char **argv); /* wait.c */
int hx_sched(int argc, char **argv);
int hx_trace(int argc, char **argv);
/* Before a domain is destroyed: its disks, console and store let go (create.c). */
void hx_release_devices(domid_t id);

#endif
