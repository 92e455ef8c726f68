/* spin: runs forever without a system call (a CPU hog for the
 * preemption test); only the kernel can stop it. */
int main(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}
