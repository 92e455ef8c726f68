UNIT_SRCS_ecam := kernel/domain/ecam_emul.c kernel/domain/pci_cfg.c
