/*
 * The x86-64 half of the guest ABI: base types, the address-space split,
 * segment selectors and the register/context structures.
 *
 * A 64-bit PV guest runs both its kernel and its user space in ring 3.  The
 * hypervisor owns L4 slots 256-271 of every address space; slot 256 begins
 * with a read-only machine-to-phys table guests may read.  The guest gets
 * flat ring-3 selectors from the hypervisor's reserved GDT area; kernel and
 * user use the same ones, and only the hypervisor knows which mode a vCPU
 * is in.
 *
 * Guest pointers inside hypercall structures are "guest handles": a struct
 * wrapping one pointer, so a handle of one type cannot be passed where a
 * handle of another is expected.  The value is a guest virtual address; the
 * hypervisor never dereferences it directly but reads it with
 * guest_handle_va() and goes through copy_from_guest/copy_to_guest.
 */
#ifndef PUBLIC_ARCH_X86_64_H
#define PUBLIC_ARCH_X86_64_H

#include <stdint.h>

/* ---- Guest handles ---------------------------------------------------- */

#define ___DEFINE_XEN_GUEST_HANDLE(name, type)                                                     \
	typedef struct {                                                                           \
		type *p;                                                                           \
	} __guest_handle_##name;                                                                   \
	typedef struct {                                                                           \
		const type *p;                                                                     \
	} __guest_handle_const_##name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) ___DEFINE_XEN_GUEST_HANDLE(name, type)
#define DEFINE_XEN_GUEST_HANDLE(name)	      __DEFINE_XEN_GUEST_HANDLE(name, name##_t)
#define XEN_GUEST_HANDLE(name)		      __guest_handle_##name
#define XEN_GUEST_HANDLE_64(name)	      XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle(hnd, val)                                                             \
	do {                                                                                       \
		(hnd).p = (val);                                                                   \
	} while (0)
/* The guest virtual address a handle holds (hypervisor side). */
#define guest_handle_va(hnd) ((unsigned long)(hnd).p)

__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
__DEFINE_XEN_GUEST_HANDLE(ulong, unsigned long);
__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);
__DEFINE_XEN_GUEST_HANDLE(char, char);
__DEFINE_XEN_GUEST_HANDLE(void, void);

/* ---- Base types ------------------------------------------------------- */

typedef unsigned long xen_ulong_t;
typedef unsigned long xen_pfn_t;      /* a frame number in the guest's frame space */
typedef unsigned long xen_callback_t; /* a plain RIP */
__DEFINE_XEN_GUEST_HANDLE(xen_pfn, xen_pfn_t);
__DEFINE_XEN_GUEST_HANDLE(xen_pfn_t, xen_pfn_t);
__DEFINE_XEN_GUEST_HANDLE(xen_ulong, xen_ulong_t);

#define PRI_xen_pfn "lx"

/* ---- Address-space split ---------------------------------------------- */

#define HYPERVISOR_VIRT_START	0xFFFF800000000000   /* L4 slot 256 */
#define HYPERVISOR_VIRT_END	0xFFFF880000000000   /* L4 slot 272, exclusive */
#define MACH2PHYS_VIRT_START	0xFFFF800000000000UL /* read-only m2p, guest readable */
#define MACH2PHYS_VIRT_END	0xFFFF804000000000UL
#define MACH2PHYS_NR_ENTRIES	((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)
#define machine_to_phys_mapping ((unsigned long *)MACH2PHYS_VIRT_START)
#define INVALID_M2P_ENTRY	(~0UL) /* m2p value of a frame that is not the reader's RAM */

/* CR3 values carry a frame number shifted by the page size. */
#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

/* ---- Segments --------------------------------------------------------- */

/* Flat selectors in the hypervisor's reserved GDT area (index = sel >> 3). */
#define FLAT_RING3_CS32 0xe023 /* 32-bit code, DPL 3 */
#define FLAT_RING3_CS64 0xe033 /* 64-bit code, DPL 3 */
#define FLAT_RING3_DS32 0xe02b /* flat data, DPL 3 */
#define FLAT_RING3_DS64 0x0000 /* null: 64-bit code needs no data segment */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_CS	 FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS	 FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS	 FLAT_KERNEL_SS64

#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_SS   FLAT_USER_SS64

/* A guest GDT may use entries [0, 7168); the rest belongs to the hypervisor. */
#define FIRST_RESERVED_GDT_PAGE	 14
#define FIRST_RESERVED_GDT_BYTE	 (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* set_segment_base() selectors. */
#define SEGBASE_FS	    0
#define SEGBASE_GS_USER	    1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

/* Forced-emulation prefix: ud2 then "xen", followed by e.g. cpuid. */
#define XEN_EMULATE_PREFIX .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e;

/* ---- Virtual IDT ------------------------------------------------------ */

/*
 * One entry of the virtual IDT given to set_trap_table.  flags bits 0-1
 * are the DPL (who may raise the vector with "int n"); bit 2 asks for
 * events to be masked on entry.  A table ends with address == 0.
 */
struct trap_info {
	uint8_t vector;
	uint8_t flags;
	uint16_t cs;
	unsigned long address;
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info);

#define TI_GET_DPL(t)	    ((t)->flags & 3)
#define TI_GET_IF(t)	    ((t)->flags & 4)
#define TI_SET_DPL(t, d)    ((t)->flags = (uint8_t)(((t)->flags & ~3) | ((d)&3)))
#define TI_SET_IF(t, i)	    ((t)->flags = (uint8_t)(((t)->flags & ~4) | ((!!(i)) << 2)))
#define TI_FLAG_MASK_EVENTS 4

/* ---- Registers -------------------------------------------------------- */

/*
 * A vCPU's general registers as seen in vcpu_guest_context.  Segment
 * fields are 16 bits padded to 8 bytes; saved_upcall_mask sits in the
 * upper half of the CS slot, as in a bounce frame.
 */
struct cpu_user_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint32_t error_code;   /* set by the hypervisor on exceptions */
	uint32_t entry_vector; /* private to the hypervisor */
	uint64_t rip;
	uint16_t cs, _pad0[1];
	uint8_t saved_upcall_mask;
	uint8_t _pad1[3];
	uint64_t rflags;
	uint64_t rsp;
	uint16_t ss, _pad2[3];
	uint16_t es, _pad3[3];
	uint16_t ds, _pad4[3];
	uint16_t fs, _pad5[3];
	uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs);

/*
 * The frame the iret hypercall pops from the guest stack: the stub pushes
 * rcx, r11, rax below the guest's own flags/rip/cs/rflags/rsp/ss.
 */
#define VGCF_in_syscall (1 << 8) /* iret flag: return as if by sysret */
#define VGCF_IN_SYSCALL VGCF_in_syscall
struct iret_context {
	uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/* ---- vCPU context (VCPUOP_initialise) --------------------------------- */

#define VGCF_i387_valid		      (1 << 0)
#define VGCF_in_kernel		      (1 << 2)
#define VGCF_failsafe_disables_events (1 << 3)
#define VGCF_syscall_disables_events  (1 << 4)
#define VGCF_online		      (1 << 5)

struct vcpu_guest_context {
	struct {
		char x[512];
	} fpu_ctxt;	     /* FXSAVE image, valid iff VGCF_i387_valid */
	unsigned long flags; /* VGCF_* */
	struct cpu_user_regs user_regs;
	struct trap_info trap_ctxt[256];
	unsigned long ldt_base, ldt_ents;
	unsigned long gdt_frames[16], gdt_ents;
	unsigned long kernel_ss, kernel_sp; /* stack_switch() state */
	unsigned long ctrlreg[8];	    /* [3] kernel L4, [1] user L4: xen_pfn_to_cr3() */
	unsigned long debugreg[8];
	unsigned long event_callback_eip;
	unsigned long failsafe_callback_eip;
	unsigned long syscall_callback_eip;
	unsigned long vm_assist; /* VMASST_TYPE_* bitmap */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context);

/* ---- Per-vCPU and per-domain arch parts of shared_info ---------------- */

struct arch_vcpu_info {
	unsigned long cr2; /* address of the last #PF delivered */
	unsigned long pad;
};

struct arch_shared_info {
	unsigned long max_pfn;		      /* guest-written, for tools */
	xen_pfn_t pfn_to_mfn_frame_list_list; /* guest-written */
	unsigned long nmi_reason;	      /* hypervisor-written */
	unsigned long p2m_cr3;		      /* guest-written */
	unsigned long p2m_vaddr;	      /* guest-written */
	unsigned long p2m_generation;	      /* guest-written seqcount */
};

#define _XEN_NMIREASON_io_error 0
#define XEN_NMIREASON_io_error	(1UL << _XEN_NMIREASON_io_error)
#define _XEN_NMIREASON_pci_serr 1
#define XEN_NMIREASON_pci_serr	(1UL << _XEN_NMIREASON_pci_serr)
#define _XEN_NMIREASON_unknown	2
#define XEN_NMIREASON_unknown	(1UL << _XEN_NMIREASON_unknown)

/* Xen's PAT MSR value, part of the PV ABI (index = PAT<<2|PCD<<1|PWT). */
#define XEN_MSR_PAT 0x0000050100070406ULL

#endif /* PUBLIC_ARCH_X86_64_H */
