# SPDX-License-Identifier: GPL-2.0
#
# KTAP for payload shell scripts (guest and dom0), and helpers to run test
# modules so that their kernel log comes out in order with the shell's own
# output. Sourced by the guest's /init (guest-init.sh) and by the payloads'
# guest.sh and dom0.sh.
#
# In the guest, one boot prints one KTAP document (Documentation/dev-tools/
# ktap.rst): /init starts it (ktap_boot: the version line and the plan, the
# number of suites the guest will report) and ends it (ktap_boot_end). Each
# suite, whether a test module prints it to the kernel log or the shell
# prints it with ktap_start and ktap_ok/ktap_fail, is a subtest of that
# document: its lines indented by four spaces (after the kernel's timestamp,
# as KUnit prints them), followed by its result line at the top level, "ok K
# NAME" or "not ok K NAME", which ktap_relay writes once the suite has
# reported as many cases as its plan says. A suite fails when any of its
# cases failed, or when it ended before its plan (the next suite began, or
# the guest script ended); it is skipped when every case was. Without a
# boot document (dom0, or a script run by hand) suites are printed flat, as
# they come.

# The state of the boot's document, kept in a file: pipelines and command
# substitutions run in subshells. Tab-separated: suites so far, whether a
# suite is open, its name, plan, cases reported, failed, skipped.
KTAP_STATE=/tmp/xth-ktap.state

# ktap_boot [PLAN]: start the boot's document; PLAN is the number of suites.
ktap_boot() {
	echo "KTAP version 1"
	[ -n "$1" ] && echo "1..$1"
	printf '0\t0\t\t-1\t0\t0\t0\n' >$KTAP_STATE
}

# ktap_boot_end: end the boot's document, closing a suite cut short.
ktap_boot_end() {
	ktap_relay end </dev/null
	rm -f $KTAP_STATE
}

# ktap_relay: print the KTAP on stdin as subtests of the boot's document
# (see the top of this file); other lines pass unchanged. Without a boot
# document, everything passes unchanged. "ktap_relay end" also closes a
# suite still open.
ktap_relay() {
	if [ ! -f $KTAP_STATE ]; then
		cat
		return
	fi
	awk -v state=$KTAP_STATE -v end="$1" '
	BEGIN {
		FS = "\t"
		if ((getline line < state) > 0)
			split(line, s, "\t")
		close(state)
		k = s[1] + 0; inside = s[2] + 0; name = s[3]; plan = s[4] + 0
		n = s[5] + 0; failed = s[6] + 0; skipped = s[7] + 0
		FS = " "
	}
	function finish(why) {
		k++
		if (name == "")
			name = "suite_" k
		if (failed || why != "")
			print "not ok " k " " name (why != "" ? " # " why : "")
		else if (n > 0 && skipped == n)
			print "ok " k " " name " # SKIP"
		else
			print "ok " k " " name
		inside = 0; name = ""; plan = -1; n = 0; failed = 0; skipped = 0
	}
	{
		line = $0
		ts = ""
		if (match(line, /^\[[ 0-9.]*\] /)) {
			ts = substr(line, 1, RLENGTH)
			line = substr(line, RLENGTH + 1)
		}
		if (line ~ /^KTAP version /) {
			if (inside)
				finish("ended before its plan")
			inside = 1
			print ts "    " line
			next
		}
		if (!inside || line ~ /^(WARNING|BUG|Oops|Kernel panic|UBSAN|KASAN|ODEBUG)/) {
			print
			next
		}
		print ts "    " line
		if (line ~ /^# Subtest: /) {
			name = substr(line, 12)
		} else if (line ~ /^1\.\.[0-9]/) {
			plan = substr(line, 4) + 0
		} else if (line ~ /^Bail out!/) {
			finish("bailed out")
		} else if (line ~ /^(ok|not ok) [0-9]/) {
			n++
			if (line ~ /^not ok/)
				failed++
			else if (line ~ /# *SKIP/)
				skipped++
			if (plan >= 0 && n >= plan)
				finish("")
		}
	}
	END {
		if (end != "" && inside)
			finish("ended before its plan")
		printf "%d\t%d\t%s\t%d\t%d\t%d\t%d\n", k, inside, name, plan, n,
			failed, skipped > state
	}'
}

ktap_start() {		# ktap_start SUITE PLAN
	KTAP_N=0
	printf 'KTAP version 1\n# Subtest: %s\n1..%s\n' "$1" "$2" | ktap_relay
}

ktap_ok() {		# ktap_ok CASE
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1" | ktap_relay
}

ktap_fail() {		# ktap_fail CASE WHY
	KTAP_N=$((KTAP_N + 1))
	echo "not ok $KTAP_N $1 # $(echo "$2" | tr '\n#' '  ' | cut -c1-300)" |
		ktap_relay
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
# Its KTAP goes on as part of the boot's document (ktap_relay).
ktap_only() {
	grep -E 'KTAP version|# |1\.\.[0-9]|ok [0-9]|Bail out|WARNING:|BUG:|Oops|panic|UBSAN|KASAN|ODEBUG' |
		ktap_relay
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
# print the last line of its output. Fails after 180 s without an answer
# (DOM0_CALL_TIMEOUT seconds where set: a save or a migration takes longer).
# Only in the guest (guest-init opens dom0's reply channel as fd 3).
dom0_call() {
	_id=$(($(cat /tmp/xth-rpc-id 2>/dev/null || echo 0) + 1))
	echo "$_id" >/tmp/xth-rpc-id
	echo "XTH-REQ $_id $*" >/dev/console
	while IFS= read -r -t "${DOM0_CALL_TIMEOUT:-180}" _line <&3; do
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
