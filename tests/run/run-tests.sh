#!/bin/bash
# The one runner behind `make test`.
#
# Suites, in order: the style check, every host unit-test binary in
# $(BUILD)/unit/, then every executable tests/scenarios/*.sh (QEMU runs).
# Each suite prints TAP lines ("ok - name" / "not ok - name"); this script
# counts them and closes with "N passed, N failed".  A suite that exits
# non-zero without reporting a failure counts as one failure.
#
#   ONLY=regex  run only the suites whose name matches
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"
passed=0 failed=0 failed_names=()

run_suite() {  # name, command...
	local name=$1; shift
	if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then return; fi
	local log=$LOGDIR/$(echo "$name" | tr '/ ' '__').log
	echo "=== $name"
	local start=$SECONDS
	"$@" >"$log" 2>&1
	local rc=$?
	local ok nok
	ok=$(grep -cE '^ok( |$)' "$log")
	nok=$(grep -cE '^not ok( |$)' "$log")
	grep -E '^not ok( |$)' "$log" | sed 's/^/    /'
	if [ "$rc" != 0 ] && [ "$nok" = 0 ]; then
		echo "    not ok - $name exited with status $rc (log: $log)"
		tail -n 15 "$log" | sed 's/^/      | /'
		nok=1
	fi
	[ "$nok" != 0 ] && failed_names+=("$name")
	passed=$((passed + ok)) failed=$((failed + nok))
	echo "    $ok passed, $nok failed ($((SECONDS - start)) s)"
}

run_suite style scripts/style.sh

for t in "$BUILD"/unit/*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
done

for s in tests/scenarios/*.sh; do
	[ -x "$s" ] || continue
	run_suite "scenario/$(basename "$s" .sh)" "$s"
done

echo
if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failing suites: ${failed_names[*]} (logs in $LOGDIR)"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
