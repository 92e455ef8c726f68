# The stack and bridge alone; netback and netfront over the block tests'
# simulated grant table (tests/unit/blk/harness.c, which links blk too).
UNIT_SRCS_net := pvguest/net/ip.c pvguest/net/arp.c pvguest/net/bridge.c pvguest/net/ping.c \
	drivers/back/net_req.c drivers/front/net_req.c drivers/back/net.c drivers/front/net.c tests/unit/blk/harness.c $(UNIT_SRCS_blk)
