/* vlapic-fuzz shim: glibc's <sys/param.h> first, then the kernel-API additions. */
#include_next <sys/param.h>
#ifdef _KERNEL
#include "../../freebsd_kern.h"
#endif
