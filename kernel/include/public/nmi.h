/*
 * nmi_op (hypercall 28): registering the guest's NMI callback.  NMI
 * reasons are reported in shared_info.arch.nmi_reason (arch-x86_64.h).
 */
#ifndef PUBLIC_NMI_H
#define PUBLIC_NMI_H

#include "xen.h"

#define XENNMI_register_callback   0
#define XENNMI_unregister_callback 1

struct xennmi_callback {
	unsigned long handler_address;
	unsigned long pad;
};
typedef struct xennmi_callback xennmi_callback_t;

#endif /* PUBLIC_NMI_H */
