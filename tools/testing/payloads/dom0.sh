#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dom0's side of the payloads: answers the guest's requests (dom0_call in
# ktap.sh). The runner uses it for any payload without a dom0.sh of its
# own. The last line printed is the answer; everything printed also
# reaches the runner, so KTAP printed here is judged like the guest's.
PATH=/usr/lib/xen-4.17/bin:$PATH

# flood_line PATTERN SECONDS: wait for xth-flood's line matching PATTERN
# (while it runs) and print it; else say what it printed last.
flood_line() {
	_pid=$(cat /tmp/flood.pid 2>/dev/null)
	for _ in $(seq $(($2 * 5))); do
		grep -m 1 "$1" /tmp/flood.out 2>/dev/null && return 0
		kill -0 "$_pid" 2>/dev/null || break
		sleep 0.2
	done
	grep -m 1 "$1" /tmp/flood.out 2>/dev/null && return 0
	echo "xth-flood: no '$1' line; its last: $(tail -n 1 /tmp/flood.out 2>/dev/null)"
	return 1
}

# The guest moves (save and restore, migration): the guest's domain ID
# changes, and for a while there is no domain, or one suspended. While
# /tmp/xth-moving exists, dom0-init.sh neither ends the guest nor takes a
# suspended one for a shut down one; /tmp/xth-domid gives it the new ID,
# for the requests that follow and for the reply channel (the new device
# model's pty). moved OLD NEW SECONDS, or failed: WHY, is the answer.
SAVE_IMG=/tmp/xth-save.img
move_start() {
	touch /tmp/xth-moving
	MOVE_T0=$(date +%s)
}
move_end() {		# move_end WHAT: the guest's domain now, or failed
	_new=$(xl domid xth-guest 2>/dev/null)
	[ -n "$_new" ] && echo "$_new" >/tmp/xth-domid
	rm -f /tmp/xth-moving "$SAVE_IMG"
	if [ -n "$_new" ]; then
		echo "$1 $GUEST_DOMID $_new $(($(date +%s) - MOVE_T0))"
	else
		echo "failed: $1: no domain xth-guest afterwards"
	fi
}

case "$1" in
start)
	;;
xl-save-restore)	# xl-save-restore: "xl save", then "xl restore" from the
	# image: a new domain; answers "restored OLD NEW SECONDS"
	move_start
	if ! out=$(timeout 300 xl save xth-guest "$SAVE_IMG" 2>&1); then
		rm -f /tmp/xth-moving "$SAVE_IMG"
		echo "failed: xl save: $(echo "$out" | tail -n 1)"
		exit 0
	fi
	if ! out=$(timeout 300 xl restore "$SAVE_IMG" 2>&1); then
		rm -f /tmp/xth-moving "$SAVE_IMG"
		echo "failed: xl restore: $(echo "$out" | tail -n 1)"
		exit 0
	fi
	move_end restored
	;;
xl-save-cancel)		# xl-save-cancel: "xl save -c": saved, then the same
	# domain goes on (its suspend cancelled); answers "continued OLD OLD S"
	move_start
	if ! out=$(timeout 300 xl save -c xth-guest "$SAVE_IMG" 2>&1); then
		rm -f /tmp/xth-moving "$SAVE_IMG"
		echo "failed: xl save -c: $(echo "$out" | tail -n 1)"
		exit 0
	fi
	move_end continued
	;;
xl-migrate-local)	# xl-migrate-local: a live migration within this host
	# (the receiver runs here: xl migrate -s ''); answers "migrated OLD NEW S"
	move_start
	if ! out=$(timeout 300 xl migrate -s '' xth-guest 'xl migrate-receive' 2>&1); then
		rm -f /tmp/xth-moving
		echo "failed: xl migrate: $(echo "$out" | tail -n 1)"
		exit 0
	fi
	move_end migrated
	;;
ports-open)		# ports-open: the guest's open ports as Xen sees them, but
	# those Xen consumes and the console's (the guest binds neither):
	# port numbers, ascending, on one line
	console=$(xenstore-read "/local/domain/$GUEST_DOMID/console/port" 2>/dev/null)
	./xth-lsevtchn "$GUEST_DOMID" 2>/dev/null |
		awk -v c="$console" '$2 != "xen" && $1 != c { print $1 }' |
		sort -n | tr '\n' ' ' | sed 's/ $//'
	echo
	;;
domid)			# domid: the guest's domain ID
	echo "$GUEST_DOMID"
	;;
debug-keys)		# debug-keys KEYS: "q" raises VIRQ_DEBUG on every vCPU
	xl debug-keys "$2" && echo done
	;;
peer-start)		# peer-start ROUNDS: open a port for the guest, answer it
	./xth-evtchn-peer "$GUEST_DOMID" "$2" 120 >/tmp/peer.out 2>&1 &
	echo $! >/tmp/peer.pid
	for _ in $(seq 50); do
		[ -s /tmp/peer.out ] && break
		sleep 0.1
	done
	head -n 1 /tmp/peer.out
	;;
peer-result)		# peer-result: wait for the peer, print its KTAP
	pid=$(cat /tmp/peer.pid)
	for _ in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	kill "$pid" 2>/dev/null
	tail -n +2 /tmp/peer.out
	echo done
	;;
reconnect-start)	# reconnect-start EPOCH: once the guest's driver
	# (xevtchn_reconnect_test) has published its port for epoch EPOCH in
	# its xenstore home, connect a peer to it (xth-evtchn-peer --connect);
	# answers "connected PORT", or failed: WHY
	home=/local/domain/$GUEST_DOMID/data/xth-peer
	for _ in $(seq 300); do
		[ "$(xenstore-read "$home/epoch" 2>/dev/null)" = "$2" ] && break
		sleep 0.2
	done
	if [ "$(xenstore-read "$home/epoch" 2>/dev/null)" != "$2" ]; then
		echo "failed: no port for epoch $2 in $home after 60 s"
		exit 0
	fi
	if [ -s /tmp/rpeer.pid ]; then
		echo "failed: a peer is connected already"
		exit 0
	fi
	./xth-evtchn-peer --connect "$GUEST_DOMID" \
		"$(xenstore-read "$home/port")" >/tmp/rpeer.out 2>&1 &
	echo $! >/tmp/rpeer.pid
	for _ in $(seq 100); do
		grep -q '^connected' /tmp/rpeer.out && break
		kill -0 "$(cat /tmp/rpeer.pid)" 2>/dev/null || break
		sleep 0.1
	done
	grep -m 1 '^connected' /tmp/rpeer.out ||
		echo "failed: xth-evtchn-peer: $(tail -n 1 /tmp/rpeer.out)"
	;;
reconnect-stop)		# reconnect-stop: stop that peer; answers "answered N"
	pid=$(cat /tmp/rpeer.pid 2>/dev/null)
	if [ -z "$pid" ]; then
		echo "failed: no peer connected"
		exit 0
	fi
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	rm -f /tmp/rpeer.pid
	grep -m 1 '^answered' /tmp/rpeer.out ||
		echo "failed: xth-evtchn-peer: $(tail -n 1 /tmp/rpeer.out)"
	rm -f /tmp/rpeer.out
	;;
flood-open)		# flood-open PORTS SECONDS: xth-flood opens PORTS ports for
	# the guest and waits in the background; answers "ports P1 P2 ..."
	[ -s /tmp/flood.pid ] && kill "$(cat /tmp/flood.pid)" 2>/dev/null
	rm -f /tmp/flood.out
	# Niced: dom0's one vCPU also runs the guest's device model (its
	# console) and this request server, which must keep up.
	nice -n 19 ./xth-flood "$GUEST_DOMID" "$2" "$3" >/tmp/flood.out 2>&1 &
	echo $! >/tmp/flood.pid
	flood_line '^ports ' 10
	;;
flood-start)		# flood-start: the flood begins (SECONDS long); "flooding"
	kill -USR1 "$(cat /tmp/flood.pid)" 2>/dev/null
	flood_line '^flooding' 10
	;;
flood-stop)		# flood-stop: wait for the flood's end; answers
	# "flood notifies N ms T rate R errors E"
	flood_line '^flood ' 170
	;;
flood-final)		# flood-final: one more event on each port; "final K errors E"
	kill -USR2 "$(cat /tmp/flood.pid)" 2>/dev/null
	flood_line '^final ' 10
	;;
flood-close)		# flood-close: end xth-flood, closing its ports; "closed"
	pid=$(cat /tmp/flood.pid 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f /tmp/flood.pid
	echo closed
	;;
lsevtchn)		# lsevtchn NAME: snapshot the guest's ports as Xen sees them
	# (every port: Xen's own lsevtchn stops at port 3, which Xen consumes)
	./xth-lsevtchn "$GUEST_DOMID" >"/tmp/lsevtchn.$2" 2>&1
	echo "$(wc -l <"/tmp/lsevtchn.$2") ports"
	;;
hvm-param)		# hvm-param: the guest's HVM_PARAM_CALLBACK_IRQ (0)
	./xth-hvmparam "$GUEST_DOMID" 0
	;;
lsevtchn-compare)	# lsevtchn-compare A B: "same", or the difference
	if cmp -s "/tmp/lsevtchn.$2" "/tmp/lsevtchn.$3"; then
		echo same
	else
		diff "/tmp/lsevtchn.$2" "/tmp/lsevtchn.$3"
		echo "differ"
	fi
	;;
xen-log-clear)		# xen-log-clear: empty Xen's console ring ("xl dmesg -c")
	xl dmesg -c >/dev/null && echo done
	;;
xen-log-count)		# xen-log-count TEXT: Xen's console lines with TEXT since
	# the last xen-log-clear
	xl dmesg | grep -c -F -e "$2"
	;;
xs-read)		# xs-read PATH: the guest's node PATH (relative to its home)
	xenstore-read "/local/domain/$GUEST_DOMID/$2" 2>/dev/null || echo "(error)"
	;;
xs-write)		# xs-write PATH [VALUE]: write it (VALUE one word, or empty)
	xenstore-write "/local/domain/$GUEST_DOMID/$2" "${3-}" && echo done
	;;
xl-reboot)		# xl-reboot: "xl reboot" without -F, as an operator would;
	# the dom0 suite dom0_xl_reboot: xl's status, the request acknowledged
	. ./ktap.sh
	out=$(timeout 120 xl reboot "$GUEST_DOMID" 2>&1)
	rc=$?
	ktap_start dom0_xl_reboot 2
	if [ "$rc" = 0 ]; then
		ktap_ok xl_reboot_exit_status
	else
		ktap_fail xl_reboot_exit_status "status $rc: $out"
	fi
	ktap_expect request_acknowledged "" \
		"$(xenstore-read "/local/domain/$GUEST_DOMID/control/shutdown" 2>&1)"
	echo done
	;;
xl-shutdown)		# xl-shutdown: "xl shutdown -w" without -F, in the background:
	# the guest goes on and ends; once it is gone, the dom0 suite
	# dom0_xl_shutdown (dom0-init waits for the jobs in /tmp/xth-jobs)
	(
		. ./ktap.sh
		out=$(timeout 150 xl shutdown -w "$GUEST_DOMID" 2>&1)
		rc=$?
		for _ in $(seq 60); do
			xl domname "$GUEST_DOMID" >/dev/null 2>&1 || break
			sleep 1
		done
		ktap_start dom0_xl_shutdown 3
		if [ "$rc" = 0 ]; then
			ktap_ok xl_shutdown_w_exit_status
		else
			ktap_fail xl_shutdown_w_exit_status "status $rc: $out"
		fi
		ktap_expect domain_gone gone \
			"$(xl domname "$GUEST_DOMID" >/dev/null 2>&1 && echo there || echo gone)"
		# Why it shut down (0: poweroff), as xl's monitor of the domain
		# logs it, or as xl shutdown -w saw it.
		ktap_expect shutdown_reason_poweroff yes \
			"$({ cat /var/log/xen/xl-xth-guest.log; echo "$out"; } |
				grep -q -e "Domain $GUEST_DOMID has shut down, reason code 0 " \
					-e "Domain $GUEST_DOMID has been shut down, reason code 0$" &&
				echo yes)"
	) 2>&1 | sed 's/^/[dom0] /' >/dev/console &
	echo $! >>/tmp/xth-jobs
	echo started
	;;
*)
	echo "unknown request: $*"
	;;
esac
