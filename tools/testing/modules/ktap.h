/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP output for the test modules (the target kernel has no KUnit).
 *
 * A test module prints one flat KTAP document to the kernel log, which the
 * guest's console carries to the test host's runner:
 *
 *	KTAP version 1
 *	# Subtest: <suite>
 *	1..<plan>
 *	ok 1 <case>
 *	not ok 2 <case> # <why>
 *
 * Each line is one printk, without a prefix, so the runner can parse it once
 * the timestamp is stripped.
 */
#ifndef _XEVTCHN_TESTING_KTAP_H
#define _XEVTCHN_TESTING_KTAP_H

#include <linux/printk.h>

/**
 * struct ktap_suite - the state of one KTAP document
 * @name: the suite name printed in "# Subtest:"
 * @number: the number of the last reported case
 * @failed: how many cases failed so far
 */
struct ktap_suite {
	const char *name;
	unsigned int number;
	unsigned int failed;
};

static inline void ktap_start(struct ktap_suite *s, const char *name,
			      unsigned int plan)
{
	s->name = name;
	s->number = 0;
	s->failed = 0;
	printk(KERN_INFO "KTAP version 1\n");
	printk(KERN_INFO "# Subtest: %s\n", name);
	printk(KERN_INFO "1..%u\n", plan);
}

/* Report one case; @ok false prints @why (printf format) as the reason. */
#define ktap_result(s, ok, name, why, ...)				\
	do {								\
		(s)->number++;						\
		if (ok) {						\
			printk(KERN_INFO "ok %u %s\n", (s)->number, name);\
		} else {						\
			(s)->failed++;					\
			printk(KERN_INFO "not ok %u %s # " why "\n",	\
			       (s)->number, name, ##__VA_ARGS__);	\
		}							\
	} while (0)

#define ktap_diag(fmt, ...) printk(KERN_INFO "# " fmt "\n", ##__VA_ARGS__)

#endif /* _XEVTCHN_TESTING_KTAP_H */
