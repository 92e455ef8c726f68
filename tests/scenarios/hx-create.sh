#!/bin/bash
# hx create: dom0's domain builder (pvguest/dom0/build/), the console
# backend (drivers/back/console.c) and disk= (blkback), from a boot script.
#
# dom0 boots alone with the pvguest-domU image as a boot module (not a
# hypervisor-built "domU" module) and an AHCI disk made by
# scripts/mkdisk.py: partition 1 a domU's root pfs, partition 2 (type 7f)
# dom0's own files, mounted read-only on /disk.  Domains started at boot:
# one from hx.boot= on dom0's command line, one from the hx.cfg boot module
# (an hx create line; a bad line is reported), one from /disk/hx.cfg whose
# image is the file /disk/pvguest-domU.  Its rc= script creates two domUs
# that print their arguments through their console rings: dom0's backend
# prints each line as "(dN) ..." and keeps a log that hx console -n shows.
# Then domUs with disks: one whose root file system is the pfs on
# partition 1 (disk=sata0p1,r: it runs that disk's /etc/rc), one with a
# RAM disk (xvda appears; no pfs on it, so its root stays on its RAM disk),
# one whose disk is a pfs image stored as a file on /disk (read-only).
# ls and cat show /disk.  Bad disk specs, a missing device, a missing
# image (boot module or file), a non-ELF image (boot module or file) and
# too much memory are refused and leave free memory exactly as it was; a
# domU created with on_poweroff=destroy that powers itself off, and one
# with on_crash=destroy that crashes (tests/guest/crash), are reaped
# (console and disk let go, destroyed: @releaseDomain) and their memory
# comes back exactly; twenty create/destroy rounds bring it back exactly
# too, and so does a domU with a disk and a vif destroyed behind hx's back
# (xc destroy): xenstored lets go of its part by itself, the reaper finds
# it gone and lets go of its console and disk, and the vif goes once
# (netback's own watch and the reaper race for it).  A
# running domU's xvda is taken away (hx block-detach: its blkfront closes
# by itself) and given again, smaller (hx block-attach: blkfront starts
# a new round by itself and takes the new size); the same with a vif
# (hx network-detach, network-attach: netfront).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/hx-create
mkdir -p "$logdir"
status=0

# The test disk (scripts/mkdisk.py): partition 1 (type da, sector 2048) a
# domU's root pfs whose /etc/rc says where it is; partition 2 (type 7f,
# sector 4096) dom0's /disk: a domU image, a config file, a text file.
img=$logdir/disk.img pfs=$logdir/root.pfs
printf 'echo root from the test disk\nexit 0\n' >"$logdir/rc"
printf 'hx create /disk/pvguest-domU name=fromdisk memory=16 args=/bin/echo,from,the,disk\n' \
	>"$logdir/disk-hx.cfg"
printf 'a file on dom0s disk\n' >"$logdir/notes.txt"
printf 'echo root from a file on dom0s disk\nexit 0\n' >"$logdir/rc2"
rm -f "$img" "$pfs" "$logdir/root2.pfs"
"$BUILD/tools/mkpfs" "$pfs" 1024 bin/sh="$BUILD/user/sh" bin/echo="$BUILD/user/echo" \
	etc/rc="$logdir/rc" >/dev/null || { echo "not ok - hx create: mkpfs failed"; exit 1; }
"$BUILD/tools/mkpfs" "$logdir/root2.pfs" 512 bin/sh="$BUILD/user/sh" bin/echo="$BUILD/user/echo" \
	etc/rc="$logdir/rc2" >/dev/null || { echo "not ok - hx create: mkpfs failed"; exit 1; }
MKPFS=$BUILD/tools/mkpfs scripts/mkdisk.py "$img" 8 "da@2048+2048=$pfs" \
	"7f@4096+12288:pvguest-domU=$G/pvguest-domU,hx.cfg=$logdir/disk-hx.cfg,notes.txt=$logdir/notes.txt,root2.pfs=$logdir/root2.pfs" ||
	{ echo "not ok - hx create: mkdisk failed"; exit 1; }

cfg=$logdir/hx.cfg
printf '# domains started at boot\nhx create pvguest-domU name=fromcfg memory=8 args=/bin/echo,from,hx.cfg\npvguest-domU name=bad memory=1\n' >"$cfg"
rc_script=$logdir/create-rc
{
	echo "# dom0 boot script of tests/scenarios/hx-create.sh"
	echo "hx create pvguest-domU name=alpha memory=16 args=/bin/echo,alpha,one"
	echo "hx create pvguest-domU name=beta memory=12 args=/bin/echo,beta,two"
	echo "hx wait alpha"
	echo "hx wait beta 20"
	echo "hx console alpha -n"
	echo "hx console alpha --until alpha,one"
	echo "hx console alpha --until nosuchline --timeout 1"
	echo "hx console alpha --until"
	echo "hx console alpha -n --until alpha"
	echo "hx console alpha --timeout 5"
	echo "hx console alpha --until alpha --timeout 0"
	echo "hx console nobody --until alpha"
	echo "hx top -n 2 -d 1"
	echo "hx info"
	echo "hx list"
	echo "hx destroy alpha"
	echo "hx destroy beta"
	echo "hx wait pvguest-domU"
	echo "hx destroy pvguest-domU"
	echo "hx wait fromcfg"
	echo "hx destroy fromcfg"
	echo "hx wait fromdisk"
	echo "hx destroy fromdisk"
	echo "hx info"
	echo "hx create pvguest-domU name=disky memory=16 disk=sata0p1,r"
	echo "hx wait disky"
	echo "hx create pvguest-domU name=ramdisk memory=16 disk=ram:4 args=/bin/echo,ram"
	echo "hx wait ramdisk"
	echo "hx create pvguest-domU name=filedisk memory=16 disk=/disk/root2.pfs"
	echo "hx wait filedisk"
	echo "hx destroy disky"
	echo "hx destroy ramdisk"
	echo "hx destroy filedisk"
	echo "hx create pvguest-domU name=nofile disk=/disk/nosuch"
	echo "hx create pvguest-domU name=bad disk=ram:0"
	echo "hx create pvguest-domU name=nodev disk=nosuch"
	echo "hx create nosuch"
	echo "ls"
	echo "ls /elsewhere"
	echo "cat /disk/notes.txt"
	echo "cat /disk/nosuch"
	echo "hx create /disk/nosuch"
	echo "hx create /disk/notes.txt name=notelf"
	echo "hx create /disk/pvguest-domU name=hugedisk memory=160"
	echo "hx create create-rc name=junk"
	echo "hx create pvguest-domU name=huge memory=160"
	echo "hx wait nobody"
	echo "hx wait 0"
	echo "hx info"
	echo "hx create pvguest-domU name=selfoff memory=16 disk=ram:4 on_poweroff=destroy args=/bin/echo,bye"
	echo "hx wait selfoff"
	echo "hx create tg-crash name=crasher memory=4 on_crash=destroy"
	echo "hx wait crasher"
	echo "hx info"
	for i in $(seq 20); do
		echo "hx create pvguest-domU name=loop$i memory=8"
		echo "hx destroy loop$i"
	done
	echo "hx info"
	# The waits for the domUs' lines are hx console --until; the sleep
	# after a frontend's "closing" line is a margin for its last step
	# (Closed), which it does not print.
	echo "hx create pvguest-domU name=replug memory=16 disk=ram:4 args=/bin/sh"
	echo "hx console replug --until blkfront,xvda,sectors"
	echo "hx block-detach replug"
	echo "hx console replug --until blkfront,closing"
	echo "sleep 1"
	echo "hx block-attach replug ram:2"
	echo "hx console replug --until blkfront,connected,again"
	echo "hx block-attach replug ram:2"
	echo "hx block-detach nobody"
	echo "hx destroy replug"
	echo "hx create pvguest-domU name=netplug memory=16 vif=ip=10.0.2.31 args=domU,net"
	echo "hx console netplug --until net,eth0,up"
	echo "hx network-detach netplug"
	echo "hx console netplug --until netfront,closing"
	echo "sleep 1"
	echo "hx network-attach netplug ip=10.0.2.31"
	echo "hx console netplug --until netfront,connected,again"
	echo "ping -c 2 10.0.2.31"
	echo "hx network-attach netplug ip=10.0.2.33"
	echo "hx destroy netplug"
	echo "hx create pvguest-domU name=orphan memory=8 disk=ram:4 vif=ip=10.0.2.30 args=/bin/echo,orphan"
	echo "hx console orphan --until orphan"
	echo "xc destroy orphan"
	echo "sleep 2"
	echo "hx info"
	echo "hx list"
	echo "poweroff"
} >"$rc_script"
log=$logdir/create.log
tests/run/qemu-run.sh --direct --mem 192 --timeout 150 --cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=create-rc hx.boot=pvguest-domU" --module "$G/pvguest-domU" \
	--module "$rc_script" --module "$cfg" --module "$G/tg-crash" --disk "$img" --log "$log"
rc=$?
if [ $rc = 0 ]; then echo "ok - hx create: dom0 powered off (pass verdict)"; else
	echo "not ok - hx create: qemu-run status $rc (log $log)"; status=1; fi
clean=$logdir/create.txt
tr -d '\r' <"$log" >"$clean"
# Whole lines, extended regexes (tests/run/expect.sh).
. tests/run/expect.sh
EXPECT_LOG=$clean EXPECT_PREFIX="hx create: "
expect -E "hx.boot= created a domU at boot" '\(d0\) domain 1 \(pvguest-domU\) created: 32 MiB, 1 vCPU\(s\)'
expect -E "hx.cfg created a domU at boot" '\(d0\) domain 2 \(fromcfg\) created: 8 MiB, 1 vCPU\(s\)'
expect -E "the hx.cfg domU runs with its arguments" '\(d0\) \(d2\) from hx.cfg'
expect -E "a bad hx.cfg line is reported" '\(d0\) create: memory "1": .*'
expect -E "alpha created" '\(d0\) domain 4 \(alpha\) created: 16 MiB, 1 vCPU\(s\)'
expect -E "beta created" '\(d0\) domain 5 \(beta\) created: 12 MiB, 1 vCPU\(s\)'
expect -E "alpha's output comes through dom0's console backend" '\(d0\) \(d4\) alpha one'
expect -E "beta's output comes through dom0's console backend" '\(d0\) \(d5\) beta two'
expect -E -v "a domU built by dom0 does not write to the hypervisor console" '\(d4\) init: .*'
expect -E "hx wait sees alpha power off" '\(d0\) domain 4 shut down: poweroff'
expect -E "hx console -n shows the log's size" '\(d0\) \[domain 4: console, [0-9]+ byte\(s\) kept\]'
expect -E "hx console -n shows alpha's lines without a prefix" '\(d0\) init: /bin/echo exited with status 0'
expect -E "hx console --until: a line of the kept log ends it at once" \
	'\(d0\) \[domain 4: a line with alpha,one came; console detached\]'
expect -E "hx console --until: no such line within --timeout" \
	'\(d0\) console: no line with nosuchline from domain 4 within 1 s'
expect -E "hx console --until: detached after the timeout" '\(d0\) \[domain 4: console detached\]'
expect -E "hx console --until: words needed" \
	'\(d0\) console: --until needs words of a line, comma-separated \(at most 63 characters\)'
expect -E "hx console: -n and --until refused together" \
	'\(d0\) console: -n returns at once: not with --until'
expect -E "hx console: --timeout only with --until" '\(d0\) console: --timeout goes with --until'
expect -E "hx console: --timeout 0 refused" '\(d0\) console: --timeout needs seconds, 1 to 86400'
expect -E "hx console --until: no such domain" '\(d0\) console: no domain is named nobody'
expect -E "hx top shows event rates" '\(d0\) ID +Name +State +CPU\(%\) +Mem\(MiB\) +EvIn/s +EvOut/s'
expect -E "hx top: a rate for dom0" '\(d0\) 0 +dom0 +[-r][-b]-+- +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+'
expect -E "hx list shows alpha" '\(d0\) 4 +alpha +[-r][-b]-[-s]-- +1 +16 .*'
expect -E "hx list shows beta" '\(d0\) 5 +beta +[-r][-b]-[-s]-- +1 +12 .*'
expect -E "alpha destroyed" '\(d0\) domain 4 destroyed'
expect -E "beta destroyed" '\(d0\) domain 5 destroyed'
expect -E "/disk: dom0 mounts the pfs partition of its disk" \
	'\(d0\) disk: sata0p2 \(12288 sectors\) mounted read-only on /disk'
expect -E "/disk/hx.cfg: its line runs at boot" '\(d0\) /disk/hx.cfg:1: hx create /disk/pvguest-domU'
expect -E "hx create /disk/...: a domU from an image on dom0's disk" \
	'\(d0\) domain 3 \(fromdisk\) created: 16 MiB, 1 vCPU\(s\)'
expect -E "the domU from dom0's disk runs with its arguments" '\(d0\) \(d3\) from the disk'
expect -E "ls lists dom0's files" '\(d0\) +[0-9]+  pvguest-domU'
expect -E "ls counts them" '\(d0\) 4 file\(s\) on sata0p2'
expect -E "ls: only /disk" '\(d0\) ls: only /disk is there \(ls \[/disk\]\)'
expect -E "cat shows a file" '\(d0\) a file on dom0s disk'
expect -E "cat: a missing file" '\(d0\) cat: /disk/nosuch: no such file'
expect -E "hx create: a missing file on the disk is refused" \
	"\\(d0\\) create: /disk/nosuch: no such file on dom0's disk"
expect -E "hx create: a non-ELF file on the disk is refused" '\(d0\) create notelf: .* \(error -[0-9]+\)'
expect -E "hx create: too little memory for a disk image is refused" \
	'\(d0\) create hugedisk: not enough free memory \(error -[0-9]+\)'
expect -E "disk=: blkfront finds xvda on the AHCI region" \
	'\(d0\) \(d[0-9]+\) blkfront: xvda: 2048 sectors of 512 bytes, read-only'
expect -E "disk=: the domU's root is the pfs on that disk" \
	'\(d0\) \(d[0-9]+\) init: root file system on xvda, 2048 sectors'
expect -E "disk=: it runs the disk's /etc/rc" '\(d0\) \(d[0-9]+\) root from the test disk'
expect -E "disk=/disk/<file>: a file of dom0's disk as the domU's read-only disk" \
	'\(d0\) \(d[0-9]+\) blkfront: xvda: 1024 sectors of 512 bytes, read-only'
expect -E "disk=/disk/<file>: the domU runs that file system's /etc/rc" \
	"\\(d0\\) \\(d[0-9]+\\) root from a file on dom0s disk"
expect -E "disk=/disk/<file>: a missing file is refused" \
	'\(d0\) create nofile: disk /disk/nosuch: no such file'
expect -E "disk=ram:4 gives an empty xvda" '\(d0\) \(d[0-9]+\) blkfront: xvda: 8192 sectors of 512 bytes'
expect -E "an empty disk leaves the root on the RAM disk" '\(d0\) \(d[0-9]+\) init: root file system on ram0, .*'
expect -E "a bad disk spec is refused" '\(d0\) create bad: bad disk "ram:0" .*'
expect -E "a missing disk device is refused" '\(d0\) create nodev: disk nosuch not attached \(error -19\)'
expect -E "a missing image is refused" '\(d0\) create: no boot module named nosuch'
expect -E "a non-ELF image is refused" '\(d0\) create junk: .* \(error -[0-9]+\)'
expect -E "too much memory is refused" '\(d0\) create huge: not enough free memory \(error -[0-9]+\)'
expect -E "hx wait: no such domain" '\(d0\) wait: no domain is named nobody'
expect -E "hx wait: not dom0" '\(d0\) wait: not domain 0 \(it runs this shell\)'
n=$(grep -cE '^\(d0\) domain [0-9]+ \(loop[0-9]+\) created: 8 MiB' "$clean")
if [ "$n" = 20 ]; then echo "ok - hx create: 20 create/destroy rounds"; else
	echo "not ok - hx create: $n of 20 loop domains created"; status=1; fi
selfoff=$(sed -n 's/^(d0) domain \([0-9]*\) (selfoff) created: .*/\1/p' "$clean")
expect -E "on_poweroff=destroy: the domU runs" "\\(d0\\) \\(d${selfoff:-X}\\) bye"
expect -E "on_poweroff=destroy: the reaper lets go of its console and disk, and destroys it" \
	"\\(d0\\) domain ${selfoff:-X} \\(selfoff\\) poweroff: released console disks store and destroyed"
expect -E "on_poweroff=destroy: hx wait sees it gone" "\\(d0\\) domain ${selfoff:-X} is gone"
crasher=$(sed -n 's/^(d0) domain \([0-9]*\) (crasher) created: .*/\1/p' "$clean")
expect -E "on_crash=destroy: a domU that crashes is released and destroyed" \
	"\\(d0\\) domain ${crasher:-X} \\(crasher\\) crash: released console store and destroyed"
replug=$(sed -n 's/^(d0) domain \([0-9]*\) (replug) created: .*/\1/p' "$clean")
r=${replug:-X}
# A domU line: "(dN) " when dom0's console backend printed it, none when
# hx console --until showed it.
P="(\\(d$r\\) )?"
expect -E "block-detach: the vbd goes" "\\(d0\\) domain $r: xvda removed"
expect -E "block-detach: the running domU's blkfront closes by itself" \
	"\\(d0\\) ${P}blkfront: device 51712: the backend is closing \\(state 0\\)"
expect -E "block-attach: the vbd comes back" "\\(d0\\) domain $r: xvda is ram:2"
expect -E "block-attach: blkfront starts a new round by itself" \
	"\\(d0\\) ${P}blkfront: device 51712: the backend is back; connecting again"
expect -E "block-attach: blkfront is connected again" \
	"\\(d0\\) ${P}blkfront: device 51712: connected again"
expect -E "block-attach: xvda takes the new disk's size" \
	"\\(d0\\) ${P}blkfront: xvda: now 4096 sectors of 512 bytes"
expect -E "block-attach: a second xvda is refused" \
	"\\(d0\\) block-attach: domain $r: ram:2 not attached \\(error -17: it has one\\)"
netplug=$(sed -n 's/^(d0) domain \([0-9]*\) (netplug) created: .*/\1/p' "$clean")
r=${netplug:-X}
P="(\\(d$r\\) )?"
expect -E "network-detach: the vif goes" "\\(d0\\) domain $r: vif 0 removed"
expect -E "network-detach: the running domU's netfront closes by itself" \
	"\\(d0\\) ${P}netfront: device 0: the backend is closing \\(state 0\\)"
expect -E "network-attach: the vif comes back" "\\(d0\\) domain $r: vif 0 is ip=10.0.2.31"
expect -E "network-attach: netfront starts a new round by itself" \
	"\\(d0\\) ${P}netfront: device 0: the backend is back; connecting again"
expect -E "network-attach: netfront is connected again" \
	"\\(d0\\) ${P}netfront: device 0: connected again"
expect -E "network-attach: the domU answers dom0's pings through its new rings" \
	'\(d0\) 10\.0\.2\.31: 2 packets transmitted, 2 received.*'
expect -E "network-attach: a second vif 0 is refused" \
	"\\(d0\\) network-attach: domain $r: ip=10.0.2.33 not attached \\(error -17: it has one\\)"
expect -E "block-detach: no such domain" '\(d0\) block-detach: no domain is named nobody'
orphan=$(sed -n 's/^(d0) domain \([0-9]*\) (orphan) created: .*/\1/p' "$clean")
expect -E "xc destroy: a domain destroyed behind hx's back" \
	"\\(d0\\) xc: domain ${orphan:-X} destroyed \\(hx not told\\)"
expect -E "xenstored lets go of the gone domain's store connection itself" \
	"\\(d0\\) xenstored: d${orphan:-X} is gone: releasing it"
# The vif: netback's worker (its watch saw the frontend's directory go)
# and the reaper (@releaseDomain) race for it, both on dom0's threads;
# either may win, never both, and one must.
o=${orphan:-X}
n=$(grep -cE "^\\(d0\\) (netback: vif$o\\.0: domain gone, vif removed|domain $o \\(orphan\\) is gone: released console disks vifs)$" "$clean")
if [ "$n" = 1 ]; then echo "ok - hx create: the gone domain's vif is removed once (netback itself or the reaper)"; else
	echo "not ok - hx create: the gone domain's vif removed $n times, want 1"; status=1; fi
expect -E "the reaper finds it gone and lets go of its console and disk" \
	"\\(d0\\) domain $o \\(orphan\\) is gone: released console disks( vifs)?"
mapfile -t free < <(sed -n 's/^(d0) free_pages   : //p' "$clean")
# free[0]: domUs alive; free[1]: all destroyed; free[2]: after the disks
# and the refusals; free[3]: after a domU that powered itself off and
# one that crashed were reaped; free[4]: after the 20 rounds; free[5]:
# after a domU with a disk and a vif was destroyed behind hx's back (xc
# destroy) and reaped as gone.  Between free[1] and free[2] dom0
# itself may take a page or two for good (a new bucket of its
# event-channel table, once two domUs with disks were up at once); the
# reaped domUs and the 20 rounds must leave free memory exactly as they
# found it.
if [ ${#free[@]} = 6 ] && [ "${free[1]}" -gt "${free[0]}" ] &&
	[ $((free[1] - free[2])) -ge 0 ] && [ $((free[1] - free[2])) -le 2 ] &&
	[ "${free[3]}" = "${free[2]}" ] && [ "${free[4]}" = "${free[3]}" ] &&
	[ "${free[5]}" = "${free[4]}" ]; then
	echo "ok - hx create: free memory back after disks and refusals (${free[1]} -> ${free[2]}), exactly after the reaped domUs, 20 rounds and the one destroyed behind hx's back"
else
	echo "not ok - hx create: free pages ${free[*]:-none}"; status=1
fi
if grep -qE '^\(d0\) [0-9]+ +(loop|orphan)' "$clean" || ! grep -qE '^\(d0\) 0 +dom0 ' "$clean"; then
	echo "not ok - hx create: last hx list is wrong"; status=1
else echo "ok - hx create: no loop domain is left"; fi
exit $status
