# SPDX-License-Identifier: GPL-2.0
#
# KTAP for payload shell scripts (guest and dom0), and helpers to run test
# modules so that their kernel log comes out in order with the shell's own
# output. Sourced by the payloads' guest.sh and dom0.sh.

ktap_start() {		# ktap_start SUITE PLAN
	KTAP_N=0
	echo "KTAP version 1"
	echo "# Subtest: $1"
	echo "1..$2"
}

ktap_ok() {		# ktap_ok CASE
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1"
}

ktap_fail() {		# ktap_fail CASE WHY
	KTAP_N=$((KTAP_N + 1))
	echo "not ok $KTAP_N $1 # $(echo "$2" | tr '\n#' '  ' | cut -c1-300)"
}

ktap_check() {		# ktap_check CASE COMMAND...: ok when COMMAND succeeds
	_name=$1
	shift
	if _out=$("$@" 2>&1); then
		ktap_ok "$_name"
	else
		ktap_fail "$_name" "'$*' failed: $_out"
	fi
}

ktap_expect() {		# ktap_expect CASE WANT GOT: ok when they are equal
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "want '$2', got '$3'"
	fi
}

# Print (and clear) what the kernel logged since the last call.
kmsg() {
	dmesg -c
}

# Only what the runner reads: KTAP, and the kernel's own alarms. The guest's
# serial console is slow on the emulated host; it carries no more.
ktap_only() {
	grep -E 'KTAP version|# |1\.\.[0-9]|ok [0-9]|Bail out|WARNING:|BUG:|Oops|panic|UBSAN|KASAN|ODEBUG'
}

# insmod a module and print its KTAP (and any kernel alarm), in order.
load_module() {
	kmsg >/dev/null
	insmod "$@"
	_rc=$?
	kmsg | ktap_only
	return $_rc
}

# dom0_call CMD ARGS...: have dom0 run its payload's "dom0.sh CMD ARGS" and
# print the last line of its output. Fails after 180 s without an answer.
# Only in the guest (guest-init opens dom0's reply channel as fd 3).
dom0_call() {
	_id=$(($(cat /tmp/xth-rpc-id 2>/dev/null || echo 0) + 1))
	echo "$_id" >/tmp/xth-rpc-id
	echo "XTH-REQ $_id $*" >/dev/console
	while IFS= read -r -t 180 _line <&3; do
		_line=$(echo "$_line" | tr -d '\r')
		case "$_line" in
		"XTH-REP $_id "*)
			echo "${_line#"XTH-REP $_id "}"
			return 0
			;;
		esac
	done
	echo "dom0_call $*: no answer from dom0" >/dev/console
	return 1
}
