/* vlapic-fuzz shim: <sys/smr.h> of FreeBSD 14+, from the single shim header. */
#include "../../freebsd_kern.h"
