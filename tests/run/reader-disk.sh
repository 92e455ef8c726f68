# Sourced by scenarios: reader_disk IMG DIR makes the disk that the
# driver-domain teaching note's reader domU boots from (4 MiB, one MBR
# partition of type da at sector 2048 holding a pfs with /bin/ticker and
# /etc/motd; dom0 sees it as sata0p1).  Needs $BUILD.  Fails with the
# mkdisk.py status.
reader_disk() {
	local img=$1 dir=$2
	printf 'A line of text on the disk.\n' >"$dir/motd"
	MKPFS=$BUILD/tools/mkpfs scripts/mkdisk.py "$img" 4 \
		"da@2048+2048:bin/ticker=$BUILD/user/ticker,etc/motd=$dir/motd"
}
