/*
 * dom0's start-up order.  Each part of dom0 (xenstored, hardware drivers,
 * backends, the domains started at boot) registers one function with
 * DOM0_INITCALL(level, fn); the entries land in the "dom0_init" section
 * and pvguest/dom0/main.c runs them level by level, lowest first, before
 * the boot script and the dom0# prompt.  A function returns 0 or a
 * negative errno; a failure is logged with its name and dom0 carries on.
 */
#ifndef PVGUEST_DOM0_INIT_H
#define PVGUEST_DOM0_INIT_H

typedef int (*dom0_init_fn)(void);
struct dom0_initcall {
	int level;
	const char *name;
	dom0_init_fn fn;
};
enum { DOM0_INIT_XENSTORE = 1, DOM0_INIT_HW = 2, DOM0_INIT_BACKEND = 3, DOM0_INIT_DOMAINS = 4 };
#define DOM0_INITCALL(lvl, f)                                                                      \
	static const struct dom0_initcall dom0_initcall_##f                                        \
		__attribute__((used, section("dom0_init"), aligned(8))) = {(lvl), #f, (f)}

#endif
