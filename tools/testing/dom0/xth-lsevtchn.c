// SPDX-License-Identifier: GPL-2.0
/*
 * xth-lsevtchn: every open port of a domain, as Xen sees it.
 *
 *   xth-lsevtchn DOMID
 *
 * One line per port that is not closed: "PORT STATE DETAILS vcpu=N". Xen's
 * own lsevtchn stops at the first port EVTCHNOP_status refuses, and Xen
 * refuses (-EACCES) every port Xen itself consumes, which a guest has from
 * port 3 on: lsevtchn then lists two ports and misses every leak. This tool
 * goes on past refused ports (printing them as "xen") and stops only where
 * Xen says the port is beyond the domain's range (-EINVAL).
 *
 * Exit status 0, or 2 when Xen cannot be asked at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

static void print_port(const xc_evtchn_status_t *st)
{
	switch (st->status) {
	case EVTCHNSTAT_unbound:
		printf("%u unbound dom=%u", st->port, st->u.unbound.dom);
		break;
	case EVTCHNSTAT_interdomain:
		printf("%u interdomain dom=%u port=%u", st->port,
		       st->u.interdomain.dom, st->u.interdomain.port);
		break;
	case EVTCHNSTAT_pirq:
		printf("%u pirq %u", st->port, st->u.pirq);
		break;
	case EVTCHNSTAT_virq:
		printf("%u virq %u", st->port, st->u.virq);
		break;
	case EVTCHNSTAT_ipi:
		printf("%u ipi", st->port);
		break;
	default:
		printf("%u state %u", st->port, st->status);
		break;
	}
	printf(" vcpu=%u\n", st->vcpu);
}

int main(int argc, char **argv)
{
	xc_evtchn_status_t st;
	xc_interface *xch;
	unsigned int port;
	domid_t domid;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DOMID\n", argv[0]);
		return 2;
	}
	domid = strtoul(argv[1], NULL, 0);
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "xth-lsevtchn: cannot open libxenctrl: %s\n",
			strerror(errno));
		return 2;
	}
	for (port = 0; ; port++) {
		memset(&st, 0, sizeof(st));
		st.dom = domid;
		st.port = port;
		if (xc_evtchn_status(xch, &st) == 0) {
			if (st.status != EVTCHNSTAT_closed)
				print_port(&st);
			continue;
		}
		if (errno == EACCES) {
			printf("%u xen\n", port);
			continue;
		}
		if (errno != EINVAL) {
			fprintf(stderr, "xth-lsevtchn: port %u: %s\n", port,
				strerror(errno));
			xc_interface_close(xch);
			return 2;
		}
		break;		/* EINVAL: beyond the domain's ports */
	}
	xc_interface_close(xch);
	return 0;
}
