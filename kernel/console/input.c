/*
 * The console input buffer (see hospes/console_input.h): a byte ring of
 * CONSOLE_INPUT_SIZE with free-running head and tail counters (head -
 * tail = bytes held).  One irqsave lock covers both ends: the writer is
 * the UART interrupt, the reader a hypercall, possibly on another CPU.
 */
#include <hospes/console_input.h>
#include <hospes/spinlock.h>

static char ring[CONSOLE_INPUT_SIZE];
static unsigned long head, tail, dropped;
static spinlock_t input_lock = SPINLOCK_INIT;

bool console_input_put(char c)
{
	unsigned long flags = spin_lock_irqsave(&input_lock);
	bool ok = head - tail < CONSOLE_INPUT_SIZE;
	if (ok)
		ring[head++ % CONSOLE_INPUT_SIZE] = c;
	else
		dropped++;
	spin_unlock_irqrestore(&input_lock, flags);
	return ok;
}

size_t console_input_read(char *buf, size_t len)
{
	size_t n = 0;
	unsigned long flags = spin_lock_irqsave(&input_lock);
	while (n < len && tail != head)
		buf[n++] = ring[tail++ % CONSOLE_INPUT_SIZE];
	spin_unlock_irqrestore(&input_lock, flags);
	return n;
}

unsigned long console_input_dropped(void)
{
	return dropped;
}
