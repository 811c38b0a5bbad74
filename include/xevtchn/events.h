/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xevtchn: Xen event channels as Linux IRQs, for drivers in an HVM guest
 * whose kernel runs with its own Xen support off ("nopv").
 *
 * Every function is exported as xevtchn_*. A driver written for mainline's
 * <xen/events.h> builds unchanged by including this header instead: the
 * mainline names below map onto the xevtchn ones. The exceptions are
 * Linux 6.1's bind_interdomain_evtchn_to_irq_lateeoi() and
 * bind_interdomain_evtchn_to_irqhandler_lateeoi(), which take a struct
 * xenbus_device for the peer: xevtchn has no xenbus, so they have no
 * alias here (a driver calls the xevtchn_*_interdomain_*_lateeoi()
 * functions with the peer's domid, dev->otherend_id). This header claims
 * <xen/events.h>'s include guard, so a later include of that header (by
 * another kernel header) adds nothing that could clash.
 *
 * Errors: every function that can fail returns a negative errno and says
 * why in the kernel log. Before xevtchn is ready (during its own load and
 * unload) every call fails with -ENODEV.
 */
#ifndef _XEVTCHN_EVENTS_H
#define _XEVTCHN_EVENTS_H

#ifdef _XEN_EVENTS_H
#error "include <xevtchn/events.h> instead of <xen/events.h>, not both"
#endif
#define _XEN_EVENTS_H

#include <linux/interrupt.h>
#include <linux/types.h>
#include <xen/interface/event_channel.h>

/* IPIs a CPU can have bound at once (mainline's enum ipi_vector fits). */
#define XEVTCHN_NR_IPIS	8

int xevtchn_bind_evtchn_to_irq(evtchn_port_t port);
int xevtchn_bind_evtchn_to_irqhandler(evtchn_port_t port,
				      irq_handler_t handler,
				      unsigned long irqflags,
				      const char *devname, void *dev_id);
int xevtchn_bind_interdomain_evtchn_to_irq(domid_t remote_domain,
					   evtchn_port_t remote_port);
int xevtchn_bind_interdomain_evtchn_to_irqhandler(domid_t remote_domain,
						  evtchn_port_t remote_port,
						  irq_handler_t handler,
						  unsigned long irqflags,
						  const char *devname,
						  void *dev_id);
int xevtchn_alloc_unbound(domid_t remote_domain, evtchn_port_t *port);
int xevtchn_alloc_loopback(evtchn_port_t *port_a, evtchn_port_t *port_b);
int xevtchn_close_port(evtchn_port_t port);
int xevtchn_bind_virq_to_irq(unsigned int virq, unsigned int cpu,
			     bool percpu);
int xevtchn_bind_virq_to_irqhandler(unsigned int virq, unsigned int cpu,
				    irq_handler_t handler,
				    unsigned long irqflags,
				    const char *devname, void *dev_id);
int xevtchn_bind_ipi_to_irqhandler(unsigned int ipi, unsigned int cpu,
				   irq_handler_t handler,
				   unsigned long irqflags,
				   const char *devname, void *dev_id);
int xevtchn_send_ipi(unsigned int cpu, unsigned int ipi);
int xevtchn_bind_gsi_to_irq(unsigned int gsi, bool level);
int xevtchn_pirq_from_irq(unsigned int irq);
int xevtchn_unbind_from_irqhandler(unsigned int irq, void *dev_id);
int xevtchn_unbind_from_irq(unsigned int irq);
int xevtchn_notify_remote_via_evtchn(evtchn_port_t port);
int xevtchn_notify_remote_via_irq(int irq);
int xevtchn_irq_from_evtchn(evtchn_port_t port);
evtchn_port_t xevtchn_evtchn_from_irq(unsigned int irq);
int xevtchn_set_irq_pending(int irq);
int xevtchn_clear_irq_pending(int irq);
bool xevtchn_test_irq_pending(int irq);
int xevtchn_poll_irq(int irq);
int xevtchn_poll_irq_timeout(int irq, u64 timeout);
u64 xevtchn_xen_time(void);
int xevtchn_evtchn_make_refcounted(evtchn_port_t port);
int xevtchn_evtchn_keep_open(evtchn_port_t port);
int xevtchn_evtchn_get(evtchn_port_t port);
void xevtchn_evtchn_put(evtchn_port_t port);
unsigned int xevtchn_nr_channels(void);
int xevtchn_set_irq_priority(unsigned int irq, unsigned int priority);

/*
 * Late EOI, for ports whose peer is not trusted: after each event the port
 * stays masked until the driver calls xevtchn_irq_lateeoi(), from its
 * handler or later from any context; an event sent meanwhile waits, and
 * is delivered after the EOI. XEVTCHN_EOI_FLAG_SPURIOUS says the event
 * brought nothing to do: past one such EOI in a row, each further one is
 * delayed, longer and longer (up to a second). Global VIRQs only, for the
 * VIRQ binding.
 */
#define XEVTCHN_EOI_FLAG_SPURIOUS	0x01

int xevtchn_bind_evtchn_to_irq_lateeoi(evtchn_port_t port);
int xevtchn_bind_evtchn_to_irqhandler_lateeoi(evtchn_port_t port,
					      irq_handler_t handler,
					      unsigned long irqflags,
					      const char *devname,
					      void *dev_id);
int xevtchn_bind_interdomain_evtchn_to_irq_lateeoi(domid_t remote_domain,
						   evtchn_port_t remote_port);
int xevtchn_bind_interdomain_evtchn_to_irqhandler_lateeoi(domid_t remote_domain,
							  evtchn_port_t remote_port,
							  irq_handler_t handler,
							  unsigned long irqflags,
							  const char *devname,
							  void *dev_id);
int xevtchn_bind_virq_to_irqhandler_lateeoi(unsigned int virq,
					    unsigned int cpu,
					    irq_handler_t handler,
					    unsigned long irqflags,
					    const char *devname, void *dev_id);
void xevtchn_irq_lateeoi(unsigned int irq, unsigned int eoi_flags);

/*
 * Save, restore and live migration (Documentation/events.md, "Save,
 * restore and migration"). When the toolstack suspends the guest, xevtchn
 * suspends and resumes it. In a new domain (restored or migrated) VIRQs,
 * IPIs and GSIs are bound again on their own, to new ports and the same
 * IRQs; interdomain, loopback and unbound ports are gone with the old
 * domain: their IRQs stay, without a port (xevtchn_evtchn_from_irq() is 0,
 * a send fails with -ENOTCONN, an unbind closes nothing), until the driver
 * connects again and gives the IRQ its new port with
 * xevtchn_rebind_evtchn_irq(). A resume notifier hears of it, in process
 * context: XEVTCHN_SUSPENDING before the suspend (quiesce), then
 * XEVTCHN_RESUMED (a new domain), XEVTCHN_RESUME_CANCELLED (the same
 * domain: nothing changed) or XEVTCHN_RESUME_FAILED (Xen refused to set
 * the event layer up again: no event arrives any more, every call but an
 * unbind fails with -ENODEV; unbind, and expect xevtchn to be unloaded).
 */
#define XEVTCHN_SUSPENDING		1
#define XEVTCHN_RESUMED			2
#define XEVTCHN_RESUME_CANCELLED	3
#define XEVTCHN_RESUME_FAILED		4

struct notifier_block;
int xevtchn_register_resume_notifier(struct notifier_block *nb);
int xevtchn_unregister_resume_notifier(struct notifier_block *nb);
int xevtchn_rebind_evtchn_irq(evtchn_port_t port, unsigned int irq);

#define XEN_IRQ_PRIORITY_MAX		EVTCHN_FIFO_PRIORITY_MAX
#define XEN_IRQ_PRIORITY_DEFAULT	EVTCHN_FIFO_PRIORITY_DEFAULT
#define XEN_IRQ_PRIORITY_MIN		EVTCHN_FIFO_PRIORITY_MIN

/*
 * The names of mainline's <xen/events.h>. Linux 6.1 has no interdomain
 * binding without late EOI; the two below keep the (domain, port) form
 * that older kernels' bind_interdomain_evtchn_to_irqhandler() had.
 */
#define bind_evtchn_to_irq			xevtchn_bind_evtchn_to_irq
#define bind_evtchn_to_irqhandler		xevtchn_bind_evtchn_to_irqhandler
#define bind_interdomain_evtchn_to_irq		xevtchn_bind_interdomain_evtchn_to_irq
#define bind_interdomain_evtchn_to_irqhandler	\
	xevtchn_bind_interdomain_evtchn_to_irqhandler
#define bind_virq_to_irq			xevtchn_bind_virq_to_irq
#define bind_virq_to_irqhandler			xevtchn_bind_virq_to_irqhandler
#define bind_ipi_to_irqhandler			xevtchn_bind_ipi_to_irqhandler
#define unbind_from_irqhandler			xevtchn_unbind_from_irqhandler
#define notify_remote_via_evtchn		xevtchn_notify_remote_via_evtchn
#define notify_remote_via_irq			xevtchn_notify_remote_via_irq
#define irq_from_evtchn				xevtchn_irq_from_evtchn
#define evtchn_from_irq				xevtchn_evtchn_from_irq
#define xen_set_irq_pending			xevtchn_set_irq_pending
#define xen_clear_irq_pending			xevtchn_clear_irq_pending
#define xen_test_irq_pending			xevtchn_test_irq_pending
#define xen_poll_irq				xevtchn_poll_irq
#define xen_poll_irq_timeout			xevtchn_poll_irq_timeout
#define evtchn_make_refcounted			xevtchn_evtchn_make_refcounted
#define evtchn_get				xevtchn_evtchn_get
#define evtchn_put				xevtchn_evtchn_put
#define xen_evtchn_nr_channels			xevtchn_nr_channels
#define xen_set_irq_priority			xevtchn_set_irq_priority
#define xen_pirq_from_irq			xevtchn_pirq_from_irq
#define xen_send_IPI_one(cpu, ipi)		((void)xevtchn_send_ipi(cpu, ipi))
#define XEN_EOI_FLAG_SPURIOUS			XEVTCHN_EOI_FLAG_SPURIOUS
#define bind_evtchn_to_irq_lateeoi		xevtchn_bind_evtchn_to_irq_lateeoi
#define bind_evtchn_to_irqhandler_lateeoi	\
	xevtchn_bind_evtchn_to_irqhandler_lateeoi
#define bind_virq_to_irqhandler_lateeoi		\
	xevtchn_bind_virq_to_irqhandler_lateeoi
#define xen_irq_lateeoi				xevtchn_irq_lateeoi
#define rebind_evtchn_irq(evtchn, irq)		\
	((void)xevtchn_rebind_evtchn_irq(evtchn, irq))

#endif /* _XEVTCHN_EVENTS_H */
