/* vlapic-fuzz shim: <sys/_sx.h> of FreeBSD 15, from the single shim header. */
#include "../../freebsd_kern.h"
