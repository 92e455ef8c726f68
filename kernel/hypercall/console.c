/*
 * console_io: a guest writes to (and dom0 reads from) the hypervisor console.
 *
 * Every domain may write (XTF and early Mini-OS output depend on it; Xen
 * allows it only in debug builds).  Output is copied in small chunks, made
 * printable (other bytes become '?'), collected per domain into lines, and
 * each complete line goes to the console prefixed with the domain, so a
 * guest cannot forge hypervisor messages or interleave half-lines.
 * Reading is for the privileged domain; the hypervisor console has no input
 * path yet, so a read returns 0 bytes.
 */
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
	bool printable = (c >= 0x20 && c < 0x7f) || c == '\t';
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
	return 0;
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
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}
