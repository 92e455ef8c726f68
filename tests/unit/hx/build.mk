UNIT_SRCS_hx := pvguest/dom0/hx/args.c pvguest/dom0/hx/create_args.c pvguest/dom0/hx/sched_args.c pvguest/dom0/hx/vcpu_args.c pvguest/dom0/shell/lineedit.c pvguest/dom0/shell/shell.c
UNIT_SRCS_hx += pvguest/dom0/hx/trace_fmt.c pvguest/dom0/hx/lines.c
