UNIT_SRCS_net := pvguest/net/ip.c pvguest/net/arp.c pvguest/net/bridge.c
