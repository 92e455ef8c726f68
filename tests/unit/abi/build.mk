UNIT_SRCS_abi :=
