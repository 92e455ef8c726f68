/*
 * The guest ABI's layouts as the fact sheet tabulates them (Xen's public
 * headers compiled for x86-64): one line per size or field offset.  The
 * list is expanded twice by test_abi.c, into compile-time assertions and
 * into a runtime table that reports every mismatch by name.
 */
#define ABI_LAYOUT(SIZE, OFF)                                                                      \
	SIZE(struct start_info, 1168)                                                              \
	OFF(struct start_info, nr_pages, 32)                                                       \
	OFF(struct start_info, shared_info, 40)                                                    \
	OFF(struct start_info, flags, 48)                                                          \
	OFF(struct start_info, store_mfn, 56)                                                      \
	OFF(struct start_info, store_evtchn, 64)                                                   \
	OFF(struct start_info, console.domU.mfn, 72)                                               \
	OFF(struct start_info, console.domU.evtchn, 80)                                            \
	OFF(struct start_info, console.dom0.info_off, 72)                                          \
	OFF(struct start_info, console.dom0.info_size, 76)                                         \
	OFF(struct start_info, pt_base, 88)                                                        \
	OFF(struct start_info, nr_pt_frames, 96)                                                   \
	OFF(struct start_info, mfn_list, 104)                                                      \
	OFF(struct start_info, mod_start, 112)                                                     \
	OFF(struct start_info, mod_len, 120)                                                       \
	OFF(struct start_info, cmd_line, 128)                                                      \
	OFF(struct start_info, first_p2m_pfn, 1152)                                                \
	OFF(struct start_info, nr_p2m_frames, 1160)                                                \
	SIZE(struct dom0_vga_console_info, 40)                                                     \
	SIZE(struct vcpu_info, 64)                                                                 \
	OFF(struct vcpu_info, evtchn_upcall_mask, 1)                                               \
	OFF(struct vcpu_info, evtchn_pending_sel, 8)                                               \
	OFF(struct vcpu_info, arch.cr2, 16)                                                        \
	OFF(struct vcpu_info, time, 32)                                                            \
	SIZE(struct vcpu_time_info, 32)                                                            \
	OFF(struct vcpu_time_info, tsc_timestamp, 8)                                               \
	OFF(struct vcpu_time_info, system_time, 16)                                                \
	OFF(struct vcpu_time_info, tsc_to_system_mul, 24)                                          \
	OFF(struct vcpu_time_info, tsc_shift, 28)                                                  \
	OFF(struct vcpu_time_info, flags, 29)                                                      \
	SIZE(struct shared_info, 3136)                                                             \
	OFF(struct shared_info, evtchn_pending, 2048)                                              \
	OFF(struct shared_info, evtchn_mask, 2560)                                                 \
	OFF(struct shared_info, wc_version, 3072)                                                  \
	OFF(struct shared_info, wc_sec, 3076)                                                      \
	OFF(struct shared_info, wc_nsec, 3080)                                                     \
	OFF(struct shared_info, wc_sec_hi, 3084)                                                   \
	OFF(struct shared_info, arch.max_pfn, 3088)                                                \
	OFF(struct shared_info, arch.pfn_to_mfn_frame_list_list, 3096)                             \
	OFF(struct shared_info, arch.nmi_reason, 3104)                                             \
	OFF(struct shared_info, arch.p2m_cr3, 3112)                                                \
	OFF(struct shared_info, arch.p2m_vaddr, 3120)                                              \
	OFF(struct shared_info, arch.p2m_generation, 3128)                                         \
	SIZE(struct mmu_update, 16)                                                                \
	SIZE(struct mmuext_op, 24)                                                                 \
	OFF(struct mmuext_op, arg1.mfn, 8)                                                         \
	OFF(struct mmuext_op, arg2.nr_ents, 16)                                                    \
	SIZE(struct multicall_entry, 64)                                                           \
	OFF(struct multicall_entry, result, 8)                                                     \
	OFF(struct multicall_entry, args, 16)                                                      \
	SIZE(struct trap_info, 16)                                                                 \
	OFF(struct trap_info, flags, 1)                                                            \
	OFF(struct trap_info, cs, 2)                                                               \
	OFF(struct trap_info, address, 8)                                                          \
	SIZE(struct iret_context, 72)                                                              \
	OFF(struct iret_context, flags, 24)                                                        \
	OFF(struct iret_context, ss, 64)                                                           \
	SIZE(struct cpu_user_regs, 200)                                                            \
	OFF(struct cpu_user_regs, r11, 48)                                                         \
	OFF(struct cpu_user_regs, rax, 80)                                                         \
	OFF(struct cpu_user_regs, rdi, 112)                                                        \
	OFF(struct cpu_user_regs, error_code, 120)                                                 \
	OFF(struct cpu_user_regs, entry_vector, 124)                                               \
	OFF(struct cpu_user_regs, rip, 128)                                                        \
	OFF(struct cpu_user_regs, cs, 136)                                                         \
	OFF(struct cpu_user_regs, saved_upcall_mask, 140)                                          \
	OFF(struct cpu_user_regs, rflags, 144)                                                     \
	OFF(struct cpu_user_regs, rsp, 152)                                                        \
	OFF(struct cpu_user_regs, ss, 160)                                                         \
	OFF(struct cpu_user_regs, es, 168)                                                         \
	OFF(struct cpu_user_regs, ds, 176)                                                         \
	OFF(struct cpu_user_regs, fs, 184)                                                         \
	OFF(struct cpu_user_regs, gs, 192)                                                         \
	SIZE(struct vcpu_guest_context, 5168)                                                      \
	OFF(struct vcpu_guest_context, flags, 512)                                                 \
	OFF(struct vcpu_guest_context, user_regs, 520)                                             \
	OFF(struct vcpu_guest_context, trap_ctxt, 720)                                             \
	OFF(struct vcpu_guest_context, ldt_base, 4816)                                             \
	OFF(struct vcpu_guest_context, ldt_ents, 4824)                                             \
	OFF(struct vcpu_guest_context, gdt_frames, 4832)                                           \
	OFF(struct vcpu_guest_context, gdt_ents, 4960)                                             \
	OFF(struct vcpu_guest_context, kernel_ss, 4968)                                            \
	OFF(struct vcpu_guest_context, kernel_sp, 4976)                                            \
	OFF(struct vcpu_guest_context, ctrlreg, 4984)                                              \
	OFF(struct vcpu_guest_context, debugreg, 5048)                                             \
	OFF(struct vcpu_guest_context, event_callback_eip, 5112)                                   \
	OFF(struct vcpu_guest_context, failsafe_callback_eip, 5120)                                \
	OFF(struct vcpu_guest_context, syscall_callback_eip, 5128)                                 \
	OFF(struct vcpu_guest_context, vm_assist, 5136)                                            \
	OFF(struct vcpu_guest_context, fs_base, 5144)                                              \
	OFF(struct vcpu_guest_context, gs_base_kernel, 5152)                                       \
	OFF(struct vcpu_guest_context, gs_base_user, 5160)                                         \
	SIZE(struct callback_register, 16)                                                         \
	OFF(struct callback_register, flags, 2)                                                    \
	OFF(struct callback_register, address, 8)                                                  \
	SIZE(struct callback_unregister, 4)                                                        \
	SIZE(struct xennmi_callback, 16)                                                           \
	SIZE(struct grant_entry_v1, 8)                                                             \
	OFF(struct grant_entry_v1, domid, 2)                                                       \
	OFF(struct grant_entry_v1, frame, 4)                                                       \
	SIZE(struct gnttab_map_grant_ref, 32)                                                      \
	OFF(struct gnttab_map_grant_ref, flags, 8)                                                 \
	OFF(struct gnttab_map_grant_ref, ref, 12)                                                  \
	OFF(struct gnttab_map_grant_ref, dom, 16)                                                  \
	OFF(struct gnttab_map_grant_ref, status, 18)                                               \
	OFF(struct gnttab_map_grant_ref, handle, 20)                                               \
	OFF(struct gnttab_map_grant_ref, dev_bus_addr, 24)                                         \
	SIZE(struct gnttab_unmap_grant_ref, 24)                                                    \
	OFF(struct gnttab_unmap_grant_ref, dev_bus_addr, 8)                                        \
	OFF(struct gnttab_unmap_grant_ref, handle, 16)                                             \
	OFF(struct gnttab_unmap_grant_ref, status, 20)                                             \
	SIZE(struct gnttab_setup_table, 24)                                                        \
	OFF(struct gnttab_setup_table, nr_frames, 4)                                               \
	OFF(struct gnttab_setup_table, status, 8)                                                  \
	OFF(struct gnttab_setup_table, frame_list, 16)                                             \
	SIZE(struct gnttab_dump_table, 4)                                                          \
	SIZE(struct gnttab_transfer, 24)                                                           \
	OFF(struct gnttab_transfer, domid, 8)                                                      \
	OFF(struct gnttab_transfer, ref, 12)                                                       \
	OFF(struct gnttab_transfer, status, 16)                                                    \
	SIZE(struct gnttab_copy, 40)                                                               \
	OFF(struct gnttab_copy, source.domid, 8)                                                   \
	OFF(struct gnttab_copy, source.offset, 10)                                                 \
	OFF(struct gnttab_copy, dest.u.gmfn, 16)                                                   \
	OFF(struct gnttab_copy, dest.domid, 24)                                                    \
	OFF(struct gnttab_copy, dest.offset, 26)                                                   \
	OFF(struct gnttab_copy, len, 32)                                                           \
	OFF(struct gnttab_copy, flags, 34)                                                         \
	OFF(struct gnttab_copy, status, 36)                                                        \
	SIZE(struct gnttab_query_size, 16)                                                         \
	OFF(struct gnttab_query_size, nr_frames, 4)                                                \
	OFF(struct gnttab_query_size, max_nr_frames, 8)                                            \
	OFF(struct gnttab_query_size, status, 12)                                                  \
	SIZE(struct gnttab_unmap_and_replace, 24)                                                  \
	SIZE(struct gnttab_set_version, 4)                                                         \
	SIZE(struct gnttab_get_status_frames, 16)                                                  \
	SIZE(struct gnttab_get_version, 8)                                                         \
	OFF(struct gnttab_get_version, version, 4)                                                 \
	SIZE(struct gnttab_swap_grant_ref, 12)                                                     \
	SIZE(struct evtchn_bind_interdomain, 12)                                                   \
	OFF(struct evtchn_bind_interdomain, remote_port, 4)                                        \
	OFF(struct evtchn_bind_interdomain, local_port, 8)                                         \
	SIZE(struct evtchn_bind_virq, 12)                                                          \
	OFF(struct evtchn_bind_virq, port, 8)                                                      \
	SIZE(struct evtchn_bind_pirq, 12)                                                          \
	SIZE(struct evtchn_close, 4)                                                               \
	SIZE(struct evtchn_send, 4)                                                                \
	SIZE(struct evtchn_status, 24)                                                             \
	OFF(struct evtchn_status, port, 4)                                                         \
	OFF(struct evtchn_status, status, 8)                                                       \
	OFF(struct evtchn_status, vcpu, 12)                                                        \
	OFF(struct evtchn_status, u.unbound.dom, 16)                                               \
	OFF(struct evtchn_status, u.interdomain.port, 20)                                          \
	OFF(struct evtchn_status, u.virq, 16)                                                      \
	SIZE(struct evtchn_alloc_unbound, 8)                                                       \
	OFF(struct evtchn_alloc_unbound, remote_dom, 2)                                            \
	OFF(struct evtchn_alloc_unbound, port, 4)                                                  \
	SIZE(struct evtchn_bind_ipi, 8)                                                            \
	SIZE(struct evtchn_bind_vcpu, 8)                                                           \
	SIZE(struct evtchn_unmask, 4)                                                              \
	SIZE(struct evtchn_reset, 2)                                                               \
	SIZE(struct evtchn_init_control, 24)                                                       \
	SIZE(struct evtchn_expand_array, 8)                                                        \
	SIZE(struct evtchn_set_priority, 8)                                                        \
	SIZE(struct evtchn_op, 28)                                                                 \
	OFF(struct evtchn_op, u, 4)                                                                \
	SIZE(struct sched_shutdown, 4)                                                             \
	SIZE(struct sched_poll, 24)                                                                \
	OFF(struct sched_poll, nr_ports, 8)                                                        \
	OFF(struct sched_poll, timeout, 16)                                                        \
	SIZE(struct sched_remote_shutdown, 8)                                                      \
	SIZE(struct sched_watchdog, 8)                                                             \
	SIZE(struct vcpu_runstate_info, 48)                                                        \
	OFF(struct vcpu_runstate_info, state_entry_time, 8)                                        \
	OFF(struct vcpu_runstate_info, time, 16)                                                   \
	SIZE(struct vcpu_set_singleshot_timer, 16)                                                 \
	OFF(struct vcpu_set_singleshot_timer, flags, 8)                                            \
	SIZE(struct vcpu_register_vcpu_info, 16)                                                   \
	OFF(struct vcpu_register_vcpu_info, offset, 8)                                             \
	SIZE(struct xen_compile_info, 144)                                                         \
	SIZE(struct xen_feature_info, 8)                                                           \
	SIZE(struct xen_memory_reservation, 32)                                                    \
	OFF(struct xen_memory_reservation, nr_extents, 8)                                          \
	OFF(struct xen_memory_reservation, extent_order, 16)                                       \
	OFF(struct xen_memory_reservation, mem_flags, 20)                                          \
	OFF(struct xen_memory_reservation, domid, 24)                                              \
	SIZE(struct xen_memory_exchange, 72)                                                       \
	OFF(struct xen_memory_exchange, nr_exchanged, 64)                                          \
	SIZE(struct xen_machphys_mfn_list, 24)                                                     \
	SIZE(struct xen_machphys_mapping, 24)                                                      \
	SIZE(struct xen_add_to_physmap, 24)                                                        \
	OFF(struct xen_add_to_physmap, space, 4)                                                   \
	OFF(struct xen_add_to_physmap, gpfn, 16)                                                   \
	SIZE(struct xen_memory_map, 16)                                                            \
	SIZE(struct xen_e820_entry, 20)                                                            \
	SIZE(struct xen_domctl, 144)                                                               \
	OFF(struct xen_domctl, domain, 8)                                                          \
	OFF(struct xen_domctl, u, 16)                                                              \
	SIZE(struct xen_domctl_createdomain, 28)                                                   \
	OFF(struct xen_domctl_createdomain, flags, 20)                                             \
	SIZE(struct xen_domctl_getdomaininfo, 104)                                                 \
	OFF(struct xen_domctl_getdomaininfo, shared_info_frame, 48)                                \
	OFF(struct xen_domctl_getdomaininfo, nr_online_vcpus, 64)                                  \
	OFF(struct xen_domctl_getdomaininfo, handle, 76)                                           \
	OFF(struct xen_domctl_getdomaininfo, cpupool, 92)                                          \
	SIZE(struct xen_domctl_vcpucontext, 16)                                                    \
	OFF(struct xen_domctl_vcpucontext, ctxt, 8)                                                \
	SIZE(struct xen_domctl_getvcpuinfo, 24)                                                    \
	OFF(struct xen_domctl_getvcpuinfo, cpu_time, 8)                                            \
	SIZE(struct xen_sysctl, 136)                                                               \
	OFF(struct xen_sysctl, u, 8)                                                               \
	SIZE(struct xen_sysctl_readconsole, 24)                                                    \
	OFF(struct xen_sysctl_readconsole, buffer, 8)                                              \
	OFF(struct xen_sysctl_readconsole, count, 16)                                              \
	SIZE(struct xen_sysctl_physinfo, 96)                                                       \
	OFF(struct xen_sysctl_physinfo, total_pages, 32)                                           \
	OFF(struct xen_sysctl_physinfo, hw_cap, 56)                                                \
	OFF(struct xen_sysctl_physinfo, capabilities, 88)                                          \
	SIZE(struct xen_sysctl_getdomaininfolist, 24)                                              \
	OFF(struct xen_sysctl_getdomaininfolist, max_domains, 4)                                   \
	OFF(struct xen_sysctl_getdomaininfolist, buffer, 8)                                        \
	OFF(struct xen_sysctl_getdomaininfolist, num_domains, 16)                                  \
	SIZE(struct hospes_cpustat, 128)                                                           \
	OFF(struct hospes_cpustat, cr3, 24)                                                        \
	OFF(struct hospes_cpustat, polls, 88)                                                      \
	OFF(struct hospes_cpustat, sched_ipis_saved, 112)                                          \
	OFF(struct hospes_cpustat, tlb_ipis, 120)                                                  \
	SIZE(struct xen_sysctl_hospes_cpustat, 24)                                                 \
	OFF(struct xen_sysctl_hospes_cpustat, stats, 8)                                            \
	OFF(struct xen_sysctl_hospes_cpustat, nr_cpus, 16)                                         \
	SIZE(struct physdev_irq_status_query, 8)                                                   \
	SIZE(struct physdev_set_iobitmap, 16)                                                      \
	SIZE(struct physdev_apic, 16)                                                              \
	SIZE(struct physdev_map_pirq, 40)                                                          \
	OFF(struct physdev_map_pirq, pirq, 12)                                                     \
	OFF(struct physdev_map_pirq, table_base, 32)                                               \
	SIZE(struct physdev_unmap_pirq, 8)                                                         \
	SIZE(struct physdev_manage_pci_ext, 16)                                                    \
	SIZE(struct physdev_op, 24)                                                                \
	OFF(struct physdev_op, u, 8)                                                               \
	SIZE(struct blkif_request_segment, 8)                                                      \
	SIZE(struct blkif_request, 112)                                                            \
	OFF(struct blkif_request, id, 8)                                                           \
	OFF(struct blkif_request, sector_number, 16)                                               \
	OFF(struct blkif_request, seg, 24)                                                         \
	SIZE(struct blkif_request_discard, 32)                                                     \
	SIZE(struct blkif_request_indirect, 64)                                                    \
	OFF(struct blkif_request_indirect, handle, 24)                                             \
	OFF(struct blkif_request_indirect, indirect_grefs, 28)                                     \
	SIZE(struct blkif_response, 16)                                                            \
	OFF(struct blkif_response, operation, 8)                                                   \
	OFF(struct blkif_response, status, 10)                                                     \
	SIZE(struct netif_tx_request, 12)                                                          \
	OFF(struct netif_tx_request, offset, 4)                                                    \
	OFF(struct netif_tx_request, id, 8)                                                        \
	OFF(struct netif_tx_request, size, 10)                                                     \
	SIZE(struct netif_tx_response, 4)                                                          \
	SIZE(struct netif_rx_request, 8)                                                           \
	OFF(struct netif_rx_request, gref, 4)                                                      \
	SIZE(struct netif_rx_response, 8)                                                          \
	OFF(struct netif_rx_response, status, 6)                                                   \
	SIZE(struct netif_extra_info, 8)                                                           \
	OFF(struct netif_extra_info, u.gso.features, 6)                                            \
	SIZE(struct xencons_interface, 3092)                                                       \
	OFF(struct xencons_interface, out, 1024)                                                   \
	OFF(struct xencons_interface, in_cons, 3072)                                               \
	OFF(struct xencons_interface, out_prod, 3084)                                              \
	OFF(struct xencons_interface, connection, 3088)                                            \
	OFF(struct blkif_sring, ring, 64)                                                          \
	OFF(struct netif_tx_sring, ring, 64)
