/*
 * printk: format, log, and show.
 *
 * A message is formatted into a buffer on the stack (longer ones are cut
 * at PRINTK_MAX), its optional "<N>" level prefix is stripped, the text
 * goes into the log ring and, when N <= the console loglevel, to every
 * registered console.  One lock (printk_lock, irqsave) orders all of it,
 * so lines from different CPUs never interleave.  A panic on a CPU that
 * already holds the lock would deadlock; panic() therefore calls
 * printk_force_unlock() first.
 *
 * A guest's unfinished line (dom0's prompt) can stay open on the consoles
 * (console_line_part): its owner's next part continues it without a new
 * prefix, while any other output first ends it with a newline, so no two
 * sources share a line.
 */
#include <hospes/console.h>
#include <hospes/lib.h>
#include <hospes/log_ring.h>
#include <hospes/spinlock.h>

#define PRINTK_MAX 512

static char ring_buf[LOG_RING_SIZE];
static struct log_ring ring = {ring_buf, LOG_RING_SIZE, 0};
static spinlock_t printk_lock = SPINLOCK_INIT;
static struct console *consoles;
static int console_loglevel = LOGLVL_INFO;
static unsigned int open_owner; /* who left a line open on the consoles, 0: nobody */

void console_register(struct console *c)
{
	unsigned long flags = spin_lock_irqsave(&printk_lock);
	c->next = consoles;
	consoles = c;
	spin_unlock_irqrestore(&printk_lock, flags);
}

void console_set_loglevel(int lvl)
{
	console_loglevel = lvl;
}

int console_get_loglevel(void)
{
	return console_loglevel;
}

void printk_force_unlock(void)
{
	spin_lock_init(&printk_lock);
}

size_t log_ring_read(uint64_t *pos, char *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&printk_lock);
	size_t n = ring_read(&ring, pos, buf, len);
	spin_unlock_irqrestore(&printk_lock, flags);
	return n;
}

/* Called with printk_lock held. */
static void emit(const char *text, size_t n, bool show)
{
	ring_write(&ring, text, n);
	if (show)
		for (struct console *c = consoles; c; c = c->next)
			c->write(c, text, n);
}

/* Called with printk_lock held: ends someone else's open line. */
static void close_open_line(unsigned int owner)
{
	if (open_owner && open_owner != owner)
		emit("\n", 1, true);
	if (open_owner != owner)
		open_owner = 0;
}

void console_line_part(unsigned int owner, const char *prefix, const char *text, bool end)
{
	bool show = LOGLVL_INFO <= console_loglevel;
	unsigned long flags = spin_lock_irqsave(&printk_lock);
	close_open_line(owner);
	if (open_owner != owner)
		emit(prefix, strlen(prefix), show);
	emit(text, strlen(text), show);
	if (end)
		emit("\n", 1, show);
	open_owner = end ? 0 : owner;
	spin_unlock_irqrestore(&printk_lock, flags);
}

/* "<N>" at the start: its level, and the text after it. */
static int split_level(const char **text)
{
	const char *s = *text;
	if (s[0] == '<' && s[1] >= '0' && s[1] <= '7' && s[2] == '>') {
		*text = s + 3;
		return s[1] - '0';
	}
	return LOGLVL_INFO;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_MAX];
	int full = vsnprintf(buf, sizeof(buf), fmt, ap);
	const char *text = buf;
	int level = split_level(&text);
	size_t n = strlen(text);

	unsigned long flags = spin_lock_irqsave(&printk_lock);
	close_open_line(0);
	emit(text, n, level <= console_loglevel);
	spin_unlock_irqrestore(&printk_lock, flags);
	return full;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
