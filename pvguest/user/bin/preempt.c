/*
 * preempt: the kernel preempts a process that never gives up the CPU.
 * It starts /bin/spin, sleeps 50 ms, and kills it.  Without preemption
 * the sleep would never end (the spinner never enters the kernel); with
 * it, this process wakes on its timer event, and the spinner dies with
 * SIGKILL when it next heads back to user mode.
 */
#include "pvos.h"
#include <stdio.h>
#include <sys/wait.h>

int main(void)
{
	char *args[] = {"spin", NULL};
	int status = 0, pid = pv_spawn("/bin/spin", args);
	if (pid < 0)
		return 1;
	uint64_t t0 = pv_uptime_ns();
	pv_sleep_ns(50 * 1000 * 1000);
	uint64_t slept = pv_uptime_ns() - t0;
	int killed = pv_kill(pid) == 0 && pv_wait(pid, &status) == pid && WIFSIGNALED(status) &&
		     WTERMSIG(status) == 9;
	printf("preempt: woke after %lu ms beside a spinning process; spin %s\n",
	       (unsigned long)(slept / 1000000), killed ? "killed" : "NOT killed");
	printf("%s - a process that never yields is preempted\n",
	       killed && slept >= 50 * 1000 * 1000 ? "ok" : "not ok");
	return killed ? 0 : 1;
}
