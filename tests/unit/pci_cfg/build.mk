UNIT_SRCS_pci_cfg := kernel/domain/pci_cfg.c
