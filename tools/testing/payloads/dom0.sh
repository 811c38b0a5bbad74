#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dom0's side of the payloads: answers the guest's requests (dom0_call in
# ktap.sh). The runner uses it for any payload without a dom0.sh of its
# own. The last line printed is the answer; everything printed also
# reaches the runner, so KTAP printed here is judged like the guest's.
PATH=/usr/lib/xen-4.17/bin:$PATH

case "$1" in
start)
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
*)
	echo "unknown request: $*"
	;;
esac
