# Sourced by the QEMU scenarios (tests/scenarios/*.sh): one check that a
# log holds a line, with its TAP verdict.
#
#   expect [-E] [-s] [-v] [-q] [-d N] [-f FILE] NAME PATTERN
#
# Looks for a line of FILE (default: $EXPECT_LOG; carriage returns are
# ignored) that is PATTERN: a fixed string, or with -E an extended regex;
# the whole line, or with -s anywhere in it.  -d N: the line starts with
# the "(dN) " that the hypervisor puts before domain N's console output
# (so PATTERN is what the domain printed).  -v: no line may match.
# Prints "ok - NAME", or "not ok - NAME: no line ..." and sets the
# caller's status=1.  -q: print nothing when the check passes (for lines
# the scenario already echoes).  The printed NAME starts with
# $EXPECT_PREFIX (e.g. "hx create: "), if set.  Returns 0 if it passed.
expect() {
	local how=-F part=-x want=0 quiet=0 file=${EXPECT_LOG:-} dom=
	while [ $# -gt 2 ]; do
		case $1 in
		-E) how=-E ;;
		-s) part= ;;
		-v) want=1 ;;
		-q) quiet=1 ;;
		-d) dom=$2; shift ;;
		-f) file=$2; shift ;;
		--) shift; break ;;
		*) break ;;
		esac
		shift
	done
	local name="${EXPECT_PREFIX:-}$1" pat=$2 found=1 shown
	if [ -n "$dom" ]; then
		[ $how = -E ] && pat="\\(d$dom\\) $pat" || pat="(d$dom) $pat"
	fi
	tr -d '\r' <"$file" | grep -q $how $part -- "$pat" && found=0
	if [ $found = $want ]; then
		[ $quiet = 1 ] || echo "ok - $name"
		return 0
	fi
	[ $how = -E ] && shown="/$pat/" || shown="\"$pat\""
	[ $want = 0 ] && echo "not ok - $name: no line $shown" || echo "not ok - $name: a line $shown"
	status=1
	return 1
}

# expect_ok DOM TEXT: domain DOM printed "ok - TEXT" (a self-checking
# guest's verdict line, which the scenario echoes itself); quiet unless
# the line is missing.
expect_ok() {
	expect -q -d "$1" "d$1 never printed: ok - $2" "ok - $2"
}

# guest_tap LOG DOMS FORMAT: echo the TAP lines ("ok - WHAT", "not ok -
# WHAT") that the domains DOMS printed in the serial log LOG, "(dN) "
# removed and carriage returns dropped, each as FORMAT says: @V the
# verdict ("ok" or "not ok"), @D the domain's number, @W the WHAT
# ("@V - guestos: @W", "@V - @W (d@D, smp 4)").  DOMS is an extended
# regex for the number (0, [13], [0-9]+).  With GUEST_TAP_RELAYED=1 a
# line may also come through dom0's console backend ("(d0) (dN) ...").
# Sets the caller's status=1 if any line was "not ok".
guest_tap() {
	local log=$1 doms=$2 fmt=$3 pre='()' out
	[ "${GUEST_TAP_RELAYED:-0}" = 1 ] && pre='(\(d0\) )?'
	fmt=${fmt//\\/\\\\} && fmt=${fmt//&/\\&} && fmt=${fmt//\//\\/}
	fmt=${fmt//@V/\\3} && fmt=${fmt//@D/\\2} && fmt=${fmt//@W/\\5}
	out=$(tr -d '\r' <"$log" | sed -nE "s/^$pre\(d($doms)\) ((not )?ok) - (.*)\$/$fmt/p")
	[ -n "$out" ] && printf '%s\n' "$out"
	if tr -d '\r' <"$log" | grep -qE "^$pre\(d($doms)\) not ok - "; then status=1; fi
	return 0
}
