/* vlapic-fuzz shim: forwards to the single kernel-API header. */
#include "../../freebsd_kern.h"
