/* vlapic-fuzz shim: FreeBSD's own amd64 header, taken from the tree. */
#include <amd64/include/segments.h>
