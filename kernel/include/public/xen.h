/*
 * The core of the guest ABI: hypercall numbers, the structures of the
 * memory-management and multicall hypercalls, and the three pages a PV
 * guest is born with (start_info, shared_info, and the vcpu_info areas
 * inside shared_info).
 *
 * Binary compatibility with Xen's x86-64 PV ABI is the point of this
 * header: numbers, field order and sizes follow Xen (tests/unit/abi checks
 * every size and offset); the names are Xen's too, so a Xen programmer
 * finds things.  Hypercall arguments travel in rdi, rsi, rdx, r10, r8 and
 * the result in rax; a negative result is -XEN_E* (errno.h).
 *
 * Frame numbers a PV guest hands over ("MFNs") are frames of its own frame
 * space; on Hospes that space is the guest's pseudo-physical space.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include "arch-x86_64.h"

/* ---- Hypercall numbers (one 32-byte stub each in the hypercall page) -- */

#define __HYPERVISOR_set_trap_table		   0
#define __HYPERVISOR_mmu_update			   1
#define __HYPERVISOR_set_gdt			   2
#define __HYPERVISOR_stack_switch		   3
#define __HYPERVISOR_set_callbacks		   4
#define __HYPERVISOR_fpu_taskswitch		   5
#define __HYPERVISOR_sched_op_compat		   6
#define __HYPERVISOR_platform_op		   7
#define __HYPERVISOR_set_debugreg		   8
#define __HYPERVISOR_get_debugreg		   9
#define __HYPERVISOR_update_descriptor		   10
#define __HYPERVISOR_memory_op			   12
#define __HYPERVISOR_multicall			   13
#define __HYPERVISOR_update_va_mapping		   14
#define __HYPERVISOR_set_timer_op		   15
#define __HYPERVISOR_event_channel_op_compat	   16
#define __HYPERVISOR_xen_version		   17
#define __HYPERVISOR_console_io			   18
#define __HYPERVISOR_physdev_op_compat		   19
#define __HYPERVISOR_grant_table_op		   20
#define __HYPERVISOR_vm_assist			   21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret			   23 /* jumped to, never returns */
#define __HYPERVISOR_vcpu_op			   24
#define __HYPERVISOR_set_segment_base		   25
#define __HYPERVISOR_mmuext_op			   26
#define __HYPERVISOR_xsm_op			   27
#define __HYPERVISOR_nmi_op			   28
#define __HYPERVISOR_sched_op			   29
#define __HYPERVISOR_callback_op		   30
#define __HYPERVISOR_xenoprof_op		   31
#define __HYPERVISOR_event_channel_op		   32
#define __HYPERVISOR_physdev_op			   33
#define __HYPERVISOR_hvm_op			   34
#define __HYPERVISOR_sysctl			   35
#define __HYPERVISOR_domctl			   36
#define __HYPERVISOR_kexec_op			   37
#define __HYPERVISOR_tmem_op			   38
#define __HYPERVISOR_argo_op			   39
#define __HYPERVISOR_xenpmu_op			   40
#define __HYPERVISOR_dm_op			   41
#define __HYPERVISOR_hypfs_op			   42
#define __HYPERVISOR_arch_0			   48
#define __HYPERVISOR_arch_1			   49
#define __HYPERVISOR_arch_2			   50
#define __HYPERVISOR_arch_3			   51
#define __HYPERVISOR_arch_4			   52
#define __HYPERVISOR_arch_5			   53
#define __HYPERVISOR_arch_6			   54
#define __HYPERVISOR_arch_7			   55

#define XEN_HYPERCALL_PAGE_ENTRIES 128 /* entries of 32 bytes in the page */
#define XEN_HYPERCALL_ENTRY_SIZE   32

/* ---- Virtual IRQs (bind with EVTCHNOP_bind_virq) ------------------------ */

#define VIRQ_TIMER	0  /* per vCPU: timer expired */
#define VIRQ_DEBUG	1  /* per vCPU: dump debug state */
#define VIRQ_CONSOLE	2  /* global: hypervisor console input (dom0) */
#define VIRQ_DOM_EXC	3  /* global: a domain shut down or crashed (dom0) */
#define VIRQ_TBUF	4  /* global: trace buffer */
#define VIRQ_DEBUGGER	6  /* global */
#define VIRQ_XENOPROF	7  /* per vCPU */
#define VIRQ_CON_RING	8  /* global */
#define VIRQ_PCPU_STATE 9  /* global */
#define VIRQ_MEM_EVENT	10 /* global */
#define VIRQ_ARGO	11 /* per domain */
#define VIRQ_ENOMEM	12 /* global */
#define VIRQ_XENPMU	13 /* per vCPU */
#define VIRQ_ARCH_0	16
#define VIRQ_ARCH_1	17
#define VIRQ_ARCH_2	18
#define VIRQ_ARCH_3	19
#define VIRQ_ARCH_4	20
#define VIRQ_ARCH_5	21
#define VIRQ_ARCH_6	22
#define VIRQ_ARCH_7	23
#define VIRQ_MCA	VIRQ_ARCH_0 /* global */
#define NR_VIRQS	24

/* ---- mmu_update -------------------------------------------------------- */

/*
 * ptr[2:0] is the command; the rest is the machine address of the 8-byte
 * PTE to update (or any address inside the frame, for MACHPHYS_UPDATE).
 */
#define MMU_NORMAL_PT_UPDATE	   0
#define MMU_MACHPHYS_UPDATE	   1
#define MMU_PT_UPDATE_PRESERVE_AD  2
#define MMU_PT_UPDATE_NO_TRANSLATE 3

struct mmu_update {
	uint64_t ptr;
	uint64_t val;
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update);

/* ---- mmuext_op --------------------------------------------------------- */

#define MMUEXT_PIN_L1_TABLE	  0
#define MMUEXT_PIN_L2_TABLE	  1
#define MMUEXT_PIN_L3_TABLE	  2
#define MMUEXT_PIN_L4_TABLE	  3
#define MMUEXT_UNPIN_TABLE	  4
#define MMUEXT_NEW_BASEPTR	  5
#define MMUEXT_TLB_FLUSH_LOCAL	  6
#define MMUEXT_INVLPG_LOCAL	  7
#define MMUEXT_TLB_FLUSH_MULTI	  8
#define MMUEXT_INVLPG_MULTI	  9
#define MMUEXT_TLB_FLUSH_ALL	  10
#define MMUEXT_INVLPG_ALL	  11
#define MMUEXT_FLUSH_CACHE	  12
#define MMUEXT_SET_LDT		  13
#define MMUEXT_NEW_USER_BASEPTR	  15
#define MMUEXT_CLEAR_PAGE	  16
#define MMUEXT_COPY_PAGE	  17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER	  19
#define MMUEXT_UNMARK_SUPER	  20

struct mmuext_op {
	unsigned int cmd;
	union {
		xen_pfn_t mfn;		   /* PIN_*, UNPIN, NEW_*BASEPTR, CLEAR/COPY_PAGE */
		unsigned long linear_addr; /* INVLPG_*, SET_LDT */
	} arg1;
	union {
		unsigned int nr_ents;		       /* SET_LDT */
		XEN_GUEST_HANDLE(const_void) vcpumask; /* *_MULTI: bitmap of ulongs */
		xen_pfn_t src_mfn;		       /* COPY_PAGE */
	} arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op);

/* ---- update_va_mapping flags -------------------------------------------- */

#define UVMF_NONE	    0UL
#define UVMF_TLB_FLUSH	    1UL
#define UVMF_INVLPG	    2UL
#define UVMF_FLUSHTYPE_MASK 3UL
#define UVMF_MULTI	    0UL /* OR in a guest pointer to a vCPU bitmap */
#define UVMF_LOCAL	    0UL
#define UVMF_ALL	    4UL

/* ---- vm_assist ---------------------------------------------------------- */

#define VMASST_CMD_enable		 0
#define VMASST_CMD_disable		 1
#define VMASST_TYPE_4gb_segments	 0
#define VMASST_TYPE_4gb_segments_notify	 1
#define VMASST_TYPE_writable_pagetables	 2
#define VMASST_TYPE_pae_extended_cr3	 3
#define VMASST_TYPE_architectural_iopl	 4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict		 32

/* ---- Domain identifiers -------------------------------------------------- */

typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7ff0U
#define DOMID_SELF	     0x7ff0U /* the caller */
#define DOMID_IO	     0x7ff1U /* owner of I/O memory */
#define DOMID_XEN	     0x7ff2U /* hypervisor-owned pages */
#define DOMID_COW	     0x7ff3U
#define DOMID_INVALID	     0x7ff4U
#define DOMID_ANY	     0x7ff5U
#define DOMID_IDLE	     0x7fffU
#define DOMID_MASK	     0x7fffU

/* ---- multicall ------------------------------------------------------------ */

/* One call of a batch; only args[0..4] are used.  result receives rax. */
struct multicall_entry {
	xen_ulong_t op;
	xen_ulong_t result;
	xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry);

/* ---- console_io ------------------------------------------------------------ */

#define CONSOLEIO_write 0
#define CONSOLEIO_read	1

/* ---- Time ----------------------------------------------------------------- */

/*
 * Per-vCPU time base.  version is a seqcount (odd while the hypervisor
 * rewrites the fields).  now_ns = system_time +
 * ((rdtsc() - tsc_timestamp) shifted by tsc_shift) * tsc_to_system_mul >> 32.
 */
struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time; /* ns since hypervisor boot */
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags; /* XEN_PVCLOCK_* */
	uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

/* ---- vcpu_info and shared_info ------------------------------------------- */

/*
 * Event delivery state of one vCPU.  The hypervisor sets bits in
 * evtchn_pending_sel and then evtchn_upcall_pending; the guest clears them.
 * evtchn_upcall_mask is the guest's virtual interrupt flag (nonzero = no
 * upcalls).
 */
struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	xen_ulong_t evtchn_pending_sel; /* bit i: word i of evtchn_pending may have news */
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

#define XEN_LEGACY_MAX_VCPUS  32
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * The page every domain shares with the hypervisor.  Port p is bit p%64 of
 * word p/64 in evtchn_pending (set by the hypervisor, cleared by the guest)
 * and evtchn_mask (owned by the guest).  The wallclock is the UTC time at
 * system time 0, protected by the wc_version seqcount.
 */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
	xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/* ---- start_info -------------------------------------------------------------- */

#define MAX_GUEST_CMDLINE 1024

/*
 * Handed to the guest in rsi at its entry point.  shared_info is a machine
 * address (the guest maps it); pt_base, mfn_list and mod_start are virtual
 * addresses inside the boot mapping.
 */
struct start_info {
	char magic[32]; /* "xen-3.0-x86_64" */
	unsigned long nr_pages;
	unsigned long shared_info;
	uint32_t flags; /* SIF_* */
	xen_pfn_t store_mfn;
	uint32_t store_evtchn;
	union {
		struct {
			xen_pfn_t mfn;
			uint32_t evtchn;
		} domU;
		struct {
			uint32_t info_off; /* offset of a dom0_vga_console_info */
			uint32_t info_size;
		} dom0;
	} console;
	unsigned long pt_base;
	unsigned long nr_pt_frames;
	unsigned long mfn_list;
	unsigned long mod_start;
	unsigned long mod_len;
	int8_t cmd_line[MAX_GUEST_CMDLINE];
	unsigned long first_p2m_pfn;
	unsigned long nr_p2m_frames;
};
typedef struct start_info start_info_t;

#define XEN_START_INFO_MAGIC "xen-3.0-x86_64"

#define SIF_PRIVILEGED	    (1 << 0)
#define SIF_INITDOMAIN	    (1 << 1)
#define SIF_MULTIBOOT_MOD   (1 << 2)
#define SIF_MOD_START_PFN   (1 << 3)
#define SIF_VIRT_P2M_4TOOLS (1 << 4)
#define SIF_PM_MASK	    (0xFF << 8)

/* A module descriptor of a SIF_MULTIBOOT_MOD package. */
struct xen_multiboot_mod_list {
	uint32_t mod_start; /* offsets from the package start */
	uint32_t mod_end;   /* inclusive */
	uint32_t cmdline;
	uint32_t pad;
};

/* Screen information for the driver domain (start_info.console.dom0). */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB	0x23
#define XEN_VGATYPE_EFI_LFB	0x70

struct dom0_vga_console_info {
	uint8_t video_type;
	union {
		struct {
			uint16_t font_height;
			uint16_t cursor_x, cursor_y;
			uint16_t rows, columns;
		} text_mode_3;
		struct {
			uint16_t width, height;
			uint16_t bytes_per_line;
			uint16_t bits_per_pixel;
			uint32_t lfb_base;
			uint32_t lfb_size; /* in 64 KiB units */
			uint8_t red_pos, red_size;
			uint8_t green_pos, green_size;
			uint8_t blue_pos, blue_size;
			uint8_t rsvd_pos, rsvd_size;
			uint32_t gbl_caps;
			uint16_t mode_attrs;
			uint16_t pad;
			uint32_t ext_lfb_base;
		} vesa_lfb;
	} u;
};
typedef struct dom0_vga_console_info dom0_vga_console_info_t;

/* ---- Misc -------------------------------------------------------------------- */

typedef uint8_t xen_domain_handle_t[16];

__DEFINE_XEN_GUEST_HANDLE(domid, domid_t);

/* A bitmap in guest memory (toolstack interfaces): nr_bits bits, bit n in
 * byte n / 8 at bit n % 8. */
struct xenctl_bitmap {
	XEN_GUEST_HANDLE_64(uint8) bitmap;
	uint32_t nr_bits;
};

#endif /* PUBLIC_XEN_H */
