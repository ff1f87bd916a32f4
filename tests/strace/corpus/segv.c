/* segv: a fault kills the process: the siginfo line and "killed by". */
int main(void)
{
	volatile int *p = (int *)8;
	return *p;
}
