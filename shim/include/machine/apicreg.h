/* vlapic-fuzz shim: FreeBSD's own x86 header, taken from the tree. */
#include <x86/include/apicreg.h>
