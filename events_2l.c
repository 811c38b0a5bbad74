// SPDX-License-Identifier: GPL-2.0
/*
 * The 2-level event channel ABI.
 *
 * shared_info holds two bitmaps of 4096 bits (on a 64-bit guest): pending,
 * set by Xen when an event arrives, and mask, set by the guest. Each vCPU's
 * vcpu_info has a selector word, evtchn_pending_sel, whose bit N says "word
 * N of the pending bitmap may have news for you". Xen sets a port's pending
 * bit, and, only if the port was not pending and is not masked, the
 * selector bit of the vCPU the port notifies and that vCPU's
 * evtchn_upcall_pending.
 *
 * Every vCPU sees the same bitmaps, so each CPU also keeps a bitmap of the
 * ports it owns (those bound to it) and handles only those.
 *
 * Unmasking a port that may be pending must go through EVTCHNOP_unmask: Xen
 * raised no upcall while the port was masked, and a plain bit clear would
 * leave the event sitting there, lost to an HVM guest. Xen re-raises only if
 * the mask bit was set when it looks, so the bit is set again before the call.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/percpu.h>
#include <asm/sync_bitops.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include <xevtchn/hypercall.h>
#include "internal.h"

#define WORD_BITS	BITS_PER_LONG
#define NR_WORDS	(EVTCHN_2L_NR_CHANNELS / WORD_BITS)

static_assert(sizeof(xen_ulong_t) == sizeof(unsigned long));
static_assert(NR_WORDS <= BITS_PER_LONG);	/* one selector word suffices */

/* The ports each CPU owns, and where its last scan stopped. */
struct cpu_2l {
	unsigned long owned[NR_WORDS];
	unsigned int last_word;
	unsigned int last_bit;
};

static DEFINE_PER_CPU(struct cpu_2l, cpu_2l);

/* The bitmaps Xen shares; the sync_* bitops are locked, as Xen's are. */
static unsigned long *pending_map(void)
{
	return (unsigned long *)xevtchn_shared->evtchn_pending;
}

static unsigned long *mask_map(void)
{
	return (unsigned long *)xevtchn_shared->evtchn_mask;
}

static void mask_all(void)
{
	unsigned int i;

	for (i = 0; i < NR_WORDS; i++)
		WRITE_ONCE(xevtchn_shared->evtchn_mask[i], ~0UL);
}

/*
 * Clear every pending bit that Xen did not set for an open port. hvmloader
 * runs with shared_info in the 32-bit layout, and Xen wrote the wallclock
 * (version, seconds, nanoseconds) where the 64-bit layout keeps the pending
 * bits of ports 2048 to 2143; setting HVM_PARAM_CALLBACK_IRQ from 64-bit
 * mode switched the layout but left those bits set. The first binding of
 * such a port would get an event nobody sent. A pending bit of a closed
 * port (or one beyond the domain's range) is such garbage: Xen clears the
 * bit of every port it frees. An open port's bit stays, whoever owns it.
 */
static void clear_stale_pending(void)
{
	struct evtchn_status status = { .dom = DOMID_SELF };
	unsigned long bits;
	unsigned int w, cleared = 0;
	int ret;

	for (w = 0; w < NR_WORDS; w++) {
		bits = READ_ONCE(xevtchn_shared->evtchn_pending[w]);
		while (bits) {
			status.port = w * WORD_BITS + __ffs(bits);
			bits &= bits - 1;
			ret = xevtchn_event_channel_op(EVTCHNOP_status, &status);
			if (ret == -EINVAL ||
			    (!ret && status.status == EVTCHNSTAT_closed)) {
				sync_clear_bit(status.port, pending_map());
				cleared++;
			}
		}
	}
	if (cleared)
		pr_info("cleared %u pending bits of closed ports (left by the 32-bit shared_info layout)\n",
			cleared);
}

static int evtchn_2l_init(void)
{
	mask_all();
	clear_stale_pending();
	return 0;
}

static void evtchn_2l_exit(void)
{
	mask_all();
}

static int evtchn_2l_cpu_up(unsigned int cpu)
{
	struct cpu_2l *c = per_cpu_ptr(&cpu_2l, cpu);

	c->last_word = NR_WORDS - 1;
	c->last_bit = WORD_BITS - 1;
	return 0;
}

static void evtchn_2l_bind_to_cpu(evtchn_port_t port, unsigned int cpu,
				  unsigned int old_cpu)
{
	clear_bit(port, per_cpu_ptr(&cpu_2l, old_cpu)->owned);
	set_bit(port, per_cpu_ptr(&cpu_2l, cpu)->owned);
}

static void evtchn_2l_remove(evtchn_port_t port, unsigned int cpu)
{
	clear_bit(port, per_cpu_ptr(&cpu_2l, cpu)->owned);
}

static void evtchn_2l_mask(evtchn_port_t port)
{
	sync_set_bit(port, mask_map());
}

static void evtchn_2l_unmask(evtchn_port_t port)
{
	struct evtchn_unmask unmask = { .port = port };

	sync_clear_bit(port, mask_map());
	if (!sync_test_bit(port, pending_map()))
		return;
	/* Pending: have Xen re-raise it, which it does only for a masked port. */
	sync_set_bit(port, mask_map());
	xevtchn_event_channel_op(EVTCHNOP_unmask, &unmask);
}

static bool evtchn_2l_is_masked(evtchn_port_t port)
{
	return sync_test_bit(port, mask_map());
}

static void evtchn_2l_set_pending(evtchn_port_t port)
{
	sync_set_bit(port, pending_map());
}

static void evtchn_2l_clear_pending(evtchn_port_t port)
{
	sync_clear_bit(port, pending_map());
}

static bool evtchn_2l_is_pending(evtchn_port_t port)
{
	return sync_test_bit(port, pending_map());
}

/* Ports of word @w that are pending, unmasked and owned by @c. */
static unsigned long active_bits(struct cpu_2l *c, unsigned int w)
{
	/* owned[] changes under bitops on other CPUs (a move, an unbind). */
	return READ_ONCE(xevtchn_shared->evtchn_pending[w]) &
	       ~READ_ONCE(xevtchn_shared->evtchn_mask[w]) &
	       READ_ONCE(c->owned[w]);
}

/*
 * Handle the active ports of word @w from bit @lo up to, not incl., @hi.
 * False when the budget ran out first: the next scan starts at the port
 * not taken.
 */
static bool scan_word(struct cpu_2l *c, unsigned int w, unsigned int lo,
		      unsigned int hi, struct xevtchn_budget *budget)
{
	unsigned long bits;
	unsigned int bit;

	while (lo < hi) {
		bits = active_bits(c, w) & GENMASK(hi - 1, lo);
		if (!bits)
			return true;
		bit = __ffs(bits);
		if (!xevtchn_budget_take(budget)) {
			c->last_word = bit ? w : (w + NR_WORDS - 1) % NR_WORDS;
			c->last_bit = bit ? bit - 1 : WORD_BITS - 1;
			return false;
		}
		xevtchn_handle_port(w * WORD_BITS + bit);
		c->last_word = w;
		c->last_bit = bit;
		lo = bit + 1;
	}
	return true;
}

/*
 * Set the selector bits @words of @cpu's vCPU again, for the next scan:
 * the words a scan whose budget ran out did not scan to the end. Xen sets
 * no bit again for a port that is pending already. Locked bitops, as
 * Xen's.
 */
static void evtchn_2l_give_back(unsigned int cpu, unsigned long words)
{
	struct vcpu_info *vi = xevtchn_vcpu_info(cpu);
	unsigned int w;

	for_each_set_bit(w, &words, NR_WORDS)
		sync_set_bit(w, (unsigned long *)&vi->evtchn_pending_sel);
}

/*
 * A fair scan: start just after the port handled last, go round every
 * word the selector names once, and finish with the part of the first word
 * that lies before the starting point. A port that keeps firing cannot
 * starve the others; anything that arrives meanwhile sets the selector
 * again, and the upcall loop comes back for it. When @budget runs out, the
 * words not scanned to the end go back to the selector and the next scan
 * starts where this one stopped.
 */
static bool evtchn_2l_handle_events(unsigned int cpu,
				    struct xevtchn_budget *budget)
{
	struct cpu_2l *c = per_cpu_ptr(&cpu_2l, cpu);
	struct vcpu_info *vi = xevtchn_vcpu_info(cpu);
	unsigned int start_word, start_bit, i, w;
	unsigned long sel, left;

	sel = xchg(&vi->evtchn_pending_sel, 0);
	if (!sel)
		return false;
	left = sel;

	start_bit = c->last_bit + 1;
	start_word = c->last_word;
	if (start_bit == WORD_BITS) {
		start_bit = 0;
		start_word = (start_word + 1) % NR_WORDS;
	}

	for (i = 0; i < NR_WORDS; i++) {
		w = (start_word + i) % NR_WORDS;
		if (!(sel & BIT(w)))
			continue;
		if (!scan_word(c, w, i ? 0 : start_bit, WORD_BITS, budget))
			goto spent;
		if (i || !start_bit)	/* the first word: after its low part */
			left &= ~BIT(w);
	}
	if (start_bit && (sel & BIT(start_word)) &&
	    !scan_word(c, start_word, 0, start_bit, budget))
		goto spent;
	return true;

spent:
	if (!xevtchn_testing_withhold(cpu, left))
		evtchn_2l_give_back(cpu, left);
	return true;
}

/*
 * The domain is new (suspend.c): its shared_info, mapped again, has every
 * mask bit clear. Mask them all, clear what no open port holds, and let no
 * CPU own a port: every binding gets a new one (resume.c).
 */
static int evtchn_2l_resume(void)
{
	unsigned int cpu;

	evtchn_2l_init();
	for_each_possible_cpu(cpu) {
		memset(per_cpu_ptr(&cpu_2l, cpu)->owned, 0,
		       sizeof(per_cpu_ptr(&cpu_2l, cpu)->owned));
		evtchn_2l_cpu_up(cpu);
	}
	return 0;
}

const struct xevtchn_abi xevtchn_abi_2l = {
	.name		= "2-level",
	.max_ports	= EVTCHN_2L_NR_CHANNELS,
	.init		= evtchn_2l_init,
	.exit		= evtchn_2l_exit,
	.cpu_up		= evtchn_2l_cpu_up,
	.bind_to_cpu	= evtchn_2l_bind_to_cpu,
	.remove		= evtchn_2l_remove,
	.mask		= evtchn_2l_mask,
	.unmask		= evtchn_2l_unmask,
	.is_masked	= evtchn_2l_is_masked,
	.set_pending	= evtchn_2l_set_pending,
	.clear_pending	= evtchn_2l_clear_pending,
	.is_pending	= evtchn_2l_is_pending,
	.handle_events	= evtchn_2l_handle_events,
	.give_back	= evtchn_2l_give_back,
	.resume		= evtchn_2l_resume,
};
