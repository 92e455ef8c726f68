# dom0's domain builder (pvguest/dom0/build/build.c) with the real PV boot
# layout; its hypercalls, mappings, ELF loader and dom0 services are the
# test's fakes (tests/unit/dom_build/fakes.c).
UNIT_SRCS_dom_build := pvguest/dom0/build/build.c kernel/domain/build_layout.c
