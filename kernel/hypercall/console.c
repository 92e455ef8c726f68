/*
 * console_io: a guest writes to (and dom0 reads from) the hypervisor console.
 *
 * Every domain may write (XTF and early Mini-OS output depend on it; Xen
 * allows it only in debug builds).  Output is copied in small chunks, made
 * printable (other bytes become '?'), collected per domain into lines, and
 * each complete line goes to the console prefixed with the domain, so a
 * guest cannot forge hypervisor messages or interleave half-lines.
 * dom0's output is the exception to whole lines: what is left unfinished
 * when its write ends (a prompt, an echoed keystroke) is shown at once as
 * an open line that its next write continues (pv_console_partial), and
 * dom0 may write backspace, for its line editor.
 *
 * Reading is for the privileged domain (others get -EPERM, as in Xen):
 * the bytes typed on the serial console (hospes/console_input.h), at most
 * count, and the call returns how many.  The bytes are taken before they
 * are copied, so a bad buffer loses them (and gets -EFAULT).
 */
#include <hospes/console_input.h>
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/pv.h>
#include <public/errno.h>
#include <public/xen.h>

#define CON_CHUNK 128

static void con_put(struct domain *d, char c)
{
	struct pv_domain *pd = pv_dom(d);
	if (c == '\n' || pd->con_len == PV_CON_LINE - 1) {
		pd->con_line[pd->con_len] = '\0';
		pv_console_line(d, pd->con_line);
		pd->con_len = 0;
		if (c == '\n')
			return;
	}
	bool printable = (c >= 0x20 && c < 0x7f) || c == '\t' || (c == '\b' && d->is_privileged);
	pd->con_line[pd->con_len++] = printable ? c : '?';
}

static long console_write(struct vcpu *v, unsigned long buf, unsigned int count)
{
	char chunk[CON_CHUNK];
	while (count) {
		unsigned int n = MIN(count, (unsigned int)CON_CHUNK);
		if (copy_from_guest_vcpu(v, chunk, buf, n))
			return -XEN_EFAULT;
		unsigned long flags = spin_lock_irqsave(&v->domain->lock);
		for (unsigned int i = 0; i < n; i++)
			con_put(v->domain, chunk[i]);
		spin_unlock_irqrestore(&v->domain->lock, flags);
		buf += n;
		count -= n;
	}
	struct pv_domain *pd = pv_dom(v->domain);
	if (v->domain->is_privileged && pd->con_len) {
		unsigned long flags = spin_lock_irqsave(&v->domain->lock);
		pd->con_line[pd->con_len] = '\0';
		pv_console_partial(v->domain, pd->con_line);
		pd->con_len = 0;
		spin_unlock_irqrestore(&v->domain->lock, flags);
	}
	return 0;
}

static long console_read(struct vcpu *v, unsigned long buf, unsigned int count)
{
	char chunk[CON_CHUNK];
	long done = 0;
	while (count) {
		size_t n = console_input_read(chunk, MIN(count, (unsigned int)CON_CHUNK));
		if (n == 0)
			break;
		if (copy_to_guest_vcpu(v, buf + (unsigned long)done, chunk, n))
			return -XEN_EFAULT;
		done += (long)n;
		count -= (unsigned int)n;
	}
	return done;
}

long do_console_io(HYPERCALL_ARGS)
{
	unsigned int cmd = (unsigned int)a1, count = (unsigned int)a2;
	switch (cmd) {
	case CONSOLEIO_write:
		return console_write(v, a3, count);
	case CONSOLEIO_read:
		if (!v->domain->is_privileged)
			return -XEN_EPERM;
		if (count > 0x7fffffffU)
			return -XEN_E2BIG;
		return console_read(v, a3, count);
	default:
		return -XEN_ENOSYS;
	}
}
