/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP output for the test modules (the target kernel has no KUnit).
 *
 * A test module prints one flat KTAP document to the kernel log, which the
 * guest payload passes on to the test host's runner:
 *
 *	KTAP version 1
 *	# Subtest: <suite>
 *	1..<plan>
 *	ok 1 <case>
 *	not ok 2 <case> # <why>
 *
 * Each line is one printk without a prefix (this header sets pr_fmt for the
 * file that includes it), so the runner parses it once the timestamp is gone.
 */
#ifndef _XEVTCHN_TESTING_KTAP_H
#define _XEVTCHN_TESTING_KTAP_H

#undef pr_fmt
#define pr_fmt(fmt) fmt

#include <linux/printk.h>
#include <linux/stdarg.h>

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
	pr_info("KTAP version 1\n");
	pr_info("# Subtest: %s\n", name);
	pr_info("1..%u\n", plan);
}

/* Report one case; when @ok is false, @why (printf format) says why. */
static inline __printf(4, 5)
void ktap_result(struct ktap_suite *s, bool ok, const char *name,
		 const char *why, ...)
{
	struct va_format vaf = { .fmt = why };
	va_list args;

	s->number++;
	if (ok) {
		pr_info("ok %u %s\n", s->number, name);
		return;
	}
	s->failed++;
	va_start(args, why);
	vaf.va = &args;
	pr_info("not ok %u %s # %pV\n", s->number, name, &vaf);
	va_end(args);
}

/*
 * Report a case that is expected to fail (a negative control), with KTAP's
 * XFAIL directive when it did fail, and as a failure when it did not;
 * @what (printf format) says what was seen either way.
 */
static inline __printf(4, 5)
void ktap_xfail(struct ktap_suite *s, bool failed, const char *name,
		const char *what, ...)
{
	struct va_format vaf = { .fmt = what };
	va_list args;

	s->number++;
	va_start(args, what);
	vaf.va = &args;
	if (failed) {
		pr_info("ok %u %s # XFAIL %pV\n", s->number, name, &vaf);
	} else {
		s->failed++;
		pr_info("not ok %u %s # expected to fail, did not: %pV\n",
			s->number, name, &vaf);
	}
	va_end(args);
}

/* Report one case as skipped, saying why. */
static inline void ktap_skip(struct ktap_suite *s, const char *name,
			     const char *why)
{
	s->number++;
	pr_info("ok %u %s # SKIP %s\n", s->number, name, why);
}

static inline __printf(1, 2) void ktap_diag(const char *fmt, ...)
{
	struct va_format vaf = { .fmt = fmt };
	va_list args;

	va_start(args, fmt);
	vaf.va = &args;
	pr_info("# %pV\n", &vaf);
	va_end(args);
}

#endif /* _XEVTCHN_TESTING_KTAP_H */
