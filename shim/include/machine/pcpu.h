/* vlapic-fuzz shim: kernel-API header plus the tree's descriptor types. */
#include "../../freebsd_kern.h"
#include <machine/segments.h>
