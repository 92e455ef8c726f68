UNIT_SRCS_guest_va :=
