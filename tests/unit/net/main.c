/* The net unit tests: the IP stack and bridge, then netback and netfront. */
int net_stack_tests(void);

int main(void)
{
	return net_stack_tests() != 0;
}
