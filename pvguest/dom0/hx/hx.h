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
int hx_vcpu_list(int argc, char **argv); /* vcpu.c */
int hx_vcpu_pin(int argc, char **argv);
int hx_trace(int argc, char **argv);
int hx_block_attach(int argc, char **argv); /* devices.c */
int hx_block_detach(int argc, char **argv);
int hx_network_attach(int argc, char **argv);
int hx_network_detach(int argc, char **argv);

#define HX_XVDA 51712 /* 202 << 8: a domain's xvda, the one disk hx gives it */
/*
 * create.c: a disk= spec resolved for blkback into out[size] (a
 * /disk/<file> becomes its extent on dom0's disk) and checked; 0, or 1
 * after printing why as "<cmd> <name>: ...".
 */
int hx_disk_spec(const char *cmd, const char *name, const char *given, char *out, size_t size);
/*
 * reaper.c.  Before a domain is destroyed: its disks, vifs, console and
 * store let go (once: the reaper may be at it already, then this waits).
 */
void hx_release_devices(domid_t id);
/* Remember a domain hx created, with what to do when it shuts down. */
void hx_track(domid_t id, const struct hx_create_args *a);
/* The action for domain id shut down for `why` (SHUTDOWN_*): HX_PRESERVE if not hx's. */
enum hx_action hx_shutdown_action(domid_t id, unsigned int why);
/* "poweroff", "reboot", "suspend", "crash", "watchdog" or "unknown". */
const char *hx_shutdown_reason(unsigned int why);

#endif
