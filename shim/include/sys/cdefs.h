/* vlapic-fuzz shim: glibc's <sys/cdefs.h>, then FreeBSD's extra compiler macros. */
#include_next <sys/cdefs.h>
#ifdef _KERNEL
#include "../../freebsd_cdefs.h"
#endif
