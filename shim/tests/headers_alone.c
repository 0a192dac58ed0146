/*
 * vlapic-fuzz: the shim headers that need no FreeBSD tree compile on their own
 * (in the order a kernel file would include them) with all warnings.
 */
#include <sys/cdefs.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/malloc.h>
#include <sys/smp.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/ktr.h>
#include <sys/sdt.h>
#include <sys/callout.h>
#include <sys/cpuset.h>
#include <sys/_cpuset.h>
#include <vm/vm.h>
#include <vm/pmap.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>
#include <machine/reg.h>
#include <machine/smp.h>
#include <machine/clock.h>
#include <machine/vmparam.h>

__FBSDID("$vlapic-fuzz$");

int vlf_headers_alone(void);

int vlf_headers_alone(void)
{
	cpuset_t s;

	CPU_ZERO(&s);
	CPU_SET(3, &s);
	return CPU_FFS(&s) == 4 ? 0 : 1;
}
