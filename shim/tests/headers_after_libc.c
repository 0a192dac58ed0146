/*
 * vlapic-fuzz: the shim after C library headers that own the same names
 * (<sched.h>'s CPU_* macros, <pthread.h>, <sys/time.h>, <stdlib.h>'s free).
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/types.h>

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mutex.h>
#include <sys/smp.h>

int vlf_headers_after_libc(void);

int vlf_headers_after_libc(void)
{
	cpuset_t s;
	struct timeval tv = {0, 0};

	CPU_ZERO(&s);
	CPU_SET(5, &s);
	return (CPU_ISSET(5, &s) && tv.tv_sec == 0) ? 0 : 1;
}
