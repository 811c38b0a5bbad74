// SPDX-License-Identifier: GPL-2.0
/*
 * xth-hvmparam: one HVM parameter of a domain, as Xen holds it.
 *
 *   xth-hvmparam DOMID PARAM
 *
 * Prints the value as 0x and 16 hex digits: for HVM_PARAM_CALLBACK_IRQ
 * (0), the type in the top byte (2: a vector) and the vector in the
 * lowest, so that a test sees what a guest set and whether it set it back
 * to 0 (upcall=callback, Documentation/events.md).
 *
 * Exit status 0, or 2 when Xen cannot be asked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

int main(int argc, char **argv)
{
	xc_interface *xch;
	uint64_t value;
	unsigned int domid, param;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DOMID PARAM\n", argv[0]);
		return 2;
	}
	domid = strtoul(argv[1], NULL, 0);
	param = strtoul(argv[2], NULL, 0);
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "xth-hvmparam: cannot open libxenctrl: %s\n",
			strerror(errno));
		return 2;
	}
	rc = xc_hvm_param_get(xch, domid, param, &value);
	if (rc) {
		fprintf(stderr, "xth-hvmparam: param %u: %s\n", param,
			strerror(errno));
		xc_interface_close(xch);
		return 2;
	}
	printf("0x%016llx\n", (unsigned long long)value);
	xc_interface_close(xch);
	return 0;
}
