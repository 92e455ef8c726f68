/*
 * physdev_op (hypercall 33): what the driver domain needs to own real
 * devices: I/O privilege, physical IRQs mapped to PIRQs (bound to event
 * channels with EVTCHNOP_bind_pirq) and their end-of-interrupt, and PCI
 * device bookkeeping.  The legacy hypercall 19 takes one struct physdev_op
 * with the command inside.
 */
#ifndef PUBLIC_PHYSDEV_H
#define PUBLIC_PHYSDEV_H

#include "xen.h"

#define PHYSDEVOP_eoi		     12
#define PHYSDEVOP_pirq_eoi_gmfn_v1   17
#define PHYSDEVOP_pirq_eoi_gmfn_v2   28
#define PHYSDEVOP_irq_status_query   5
#define PHYSDEVOP_set_iopl	     6
#define PHYSDEVOP_set_iobitmap	     7
#define PHYSDEVOP_apic_read	     8
#define PHYSDEVOP_apic_write	     9
#define PHYSDEVOP_alloc_irq_vector   10
#define PHYSDEVOP_free_irq_vector    11
#define PHYSDEVOP_map_pirq	     13
#define PHYSDEVOP_unmap_pirq	     14
#define PHYSDEVOP_manage_pci_add     15
#define PHYSDEVOP_manage_pci_remove  16
#define PHYSDEVOP_restore_msi	     19
#define PHYSDEVOP_manage_pci_add_ext 20
#define PHYSDEVOP_setup_gsi	     21
#define PHYSDEVOP_get_free_pirq	     23
#define PHYSDEVOP_pci_mmcfg_reserved 24
#define PHYSDEVOP_pci_device_add     25
#define PHYSDEVOP_pci_device_remove  26
#define PHYSDEVOP_restore_msi_ext    27
#define PHYSDEVOP_dbgp_op	     29
#define PHYSDEVOP_prepare_msix	     30
#define PHYSDEVOP_release_msix	     31
#define PHYSDEVOP_pci_device_reset   32

struct physdev_eoi {
	uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;

struct physdev_pirq_eoi_gmfn {
	xen_pfn_t gmfn;
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;

#define _XENIRQSTAT_needs_eoi 0
#define XENIRQSTAT_needs_eoi  (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared    1
#define XENIRQSTAT_shared     (1U << _XENIRQSTAT_shared)

struct physdev_irq_status_query {
	uint32_t irq;	/* IN */
	uint32_t flags; /* OUT: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;

struct physdev_set_iopl {
	uint32_t iopl; /* 0-3 */
};
typedef struct physdev_set_iopl physdev_set_iopl_t;

struct physdev_set_iobitmap {
	XEN_GUEST_HANDLE(uint8) bitmap;
	uint32_t nr_ports;
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;

struct physdev_apic {
	unsigned long apic_physbase;
	uint32_t reg;
	uint32_t value;
};
typedef struct physdev_apic physdev_apic_t;

struct physdev_irq {
	uint32_t irq;
	uint32_t vector;
};
typedef struct physdev_irq physdev_irq_t;

#define MAP_PIRQ_TYPE_MSI	0x0
#define MAP_PIRQ_TYPE_GSI	0x1
#define MAP_PIRQ_TYPE_UNKNOWN	0x2
#define MAP_PIRQ_TYPE_MSI_SEG	0x3
#define MAP_PIRQ_TYPE_MULTI_MSI 0x4

struct physdev_map_pirq {
	domid_t domid;
	int type;  /* MAP_PIRQ_TYPE_* */
	int index; /* GSI number for GSI */
	int pirq;  /* IN/OUT: -1 = allocate */
	int bus;   /* high 16 bits: segment for *_SEG */
	int devfn;
	int entry_nr;
	uint64_t table_base;
};
typedef struct physdev_map_pirq physdev_map_pirq_t;

struct physdev_unmap_pirq {
	domid_t domid;
	int pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;

struct physdev_manage_pci {
	uint8_t bus;
	uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;

struct physdev_manage_pci_ext {
	uint8_t bus;
	uint8_t devfn;
	unsigned is_extfn;
	unsigned is_virtfn;
	struct {
		uint8_t bus;
		uint8_t devfn;
	} physfn;
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;

struct physdev_setup_gsi {
	int gsi;
	uint8_t triggering;
	uint8_t polarity;
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;

struct physdev_get_free_pirq {
	int type;      /* IN */
	uint32_t pirq; /* OUT */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;

#define XEN_PCI_DEV_EXTFN  0x1
#define XEN_PCI_DEV_VIRTFN 0x2
#define XEN_PCI_DEV_PXM	   0x4

struct physdev_pci_device_add {
	uint16_t seg;
	uint8_t bus;
	uint8_t devfn;
	uint32_t flags; /* XEN_PCI_DEV_* */
	struct {
		uint8_t bus;
		uint8_t devfn;
	} physfn;
	uint32_t optarr[];
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;

struct physdev_pci_device {
	uint16_t seg;
	uint8_t bus;
	uint8_t devfn;
};
typedef struct physdev_pci_device physdev_pci_device_t;

/* Argument of the legacy hypercall 19. */
struct physdev_op {
	uint32_t cmd;
	union {
		struct physdev_irq_status_query irq_status_query;
		struct physdev_set_iopl set_iopl;
		struct physdev_set_iobitmap set_iobitmap;
		struct physdev_apic apic_op;
		struct physdev_irq irq_op;
	} u;
};
typedef struct physdev_op physdev_op_t;

#endif /* PUBLIC_PHYSDEV_H */
