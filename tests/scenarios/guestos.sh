#!/bin/bash
# Guest user processes (issue 8), one boot: pvguest-domU, booted as dom0
# with selftest=guest, runs the shell on the script pvguest/user/etc/test.
# Checks, on exact lines:
#  - a newlib program (showcase) prints known results;
#  - faulting processes (null write, hlt, a read of kernel memory, ud2)
#    are killed with the right signal and the shell carries on;
#  - two processes cannot see each other's memory (memprobe);
#  - a process that never yields is preempted (preempt + spin);
#  - a process asking for ever more memory is held to its limit (hog);
#  - a file written by one process is read by another (put, cat), ls;
#  - the shell's exit 0 ends init, which powers the domain off.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
log=$BUILD/test-logs/guestos.log
mkdir -p "$(dirname "$log")"
status=0

tests/run/qemu-run.sh --direct --mem 128 --timeout 90 --cmdline "console=com1 selftest=guest" \
	--module "$BUILD/guests/pvguest-domU /bin/sh /etc/test" --log "$log"
rc=$?

# Exact lines the guest printed.
. tests/run/expect.sh
EXPECT_LOG=$log

# The guest's own checks, counted as this suite's ("ok - guestos: ...").
guest_tap "$log" 0 '@V - guestos: @W'
expect -d 0 "the root pfs is mounted from the RAM disk" \
	"init: root file system on ram0, 3072 sectors"
expect -d 0 "the shell runs echo" "shell up"
expect -d 0 "showcase: printf output" "stdio: -42 beef  3.14 pv 1234567890123"
expect -d 0 "showcase: qsort output" "sorted: -50 -3 0 7 7 19 42 88 1000"
expect -d 0 "showcase: libm output" "math: sqrt(2)=1.414214 e=2.718282 sin(pi/6)=0.500000"
expect -d 0 "showcase: a file written and read back" "file: 12 squared is 144"
expect -d 0 "showcase: no failed check" "PASS: 0 failure(s)"
expect -d 0 "a null dereference kills the process" \
	"sh: fault (pid 4): segmentation fault (signal 11)"
expect -d 0 "the shell carries on after a fault" "still here after a null dereference"
expect -d 0 "a privileged instruction kills the process" \
	"sh: fault (pid 6): segmentation fault (signal 11)"
expect -E -d 0 "the kernel's memory is not mapped in a process" \
	'proc: pid 7 \(bin/fault\) killed: page fault at rip 0x4[0-9a-f]*, address 0x2000'
expect -d 0 "an invalid opcode kills the process" \
	"sh: fault (pid 8): illegal instruction (signal 4)"
expect -d 0 "two processes cannot see each other's memory" \
	'memprobe: child saw only its own page; parent still sees "parent-secret"'
expect -d 0 "a process is held to its memory limit" \
	"hog: malloc said no within the per-process limit of 16 MiB"
expect -d 0 "a process writes a file" "put: /tmp/note holds 15 bytes: written by put"
expect -d 0 "another process reads it" "written by put"
expect -d 0 "ls lists the new file" "tmp/note                  15"
expect -d 0 "the shell's exit reaches init" "init: /bin/sh exited with status 0"
if [ "$rc" = 0 ]; then echo "ok - guestos: dom0 powered off with the pass verdict"; else
	echo "not ok - guestos: qemu-run status $rc (log $log)"
	tail -n 8 "$log" | sed 's/^/#   /'
	status=1
fi
exit $status
