/* The net unit tests: the IP stack and bridge, then netback and netfront. */
int net_stack_tests(void);
int net_netif_tests(void);
int net_glue_tests(void);

int main(void)
{
	int failed = net_stack_tests() != 0;
	failed |= net_netif_tests() != 0;
	failed |= net_glue_tests() != 0;
	return failed;
}
