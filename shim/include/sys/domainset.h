/* vlapic-fuzz shim: <sys/domainset.h> (FreeBSD 15's vmm_dev.h names the type
 * in an ioctl argument; NUMA domains play no part in the harness). */
#ifndef VLF_SHIM_SYS_DOMAINSET_H
#define VLF_SHIM_SYS_DOMAINSET_H
#include "../../freebsd_kern.h"

typedef struct {
	unsigned long __bits[1];
} domainset_t;
#endif
