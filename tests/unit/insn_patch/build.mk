UNIT_SRCS_insn_patch := kernel/lib/insn_patch.c
