/*
 * vlapic-fuzz shim: glibc's <sys/types.h>.  Kernel types come with
 * <sys/param.h> (freebsd_kern.h); nothing more may be added here because glibc
 * includes this header from inside its own headers.
 */
#include_next <sys/types.h>
