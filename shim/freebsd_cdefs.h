/*
 * vlapic-fuzz: compiler macros FreeBSD's <sys/cdefs.h> has and glibc's lacks.
 * Self-contained (no #include): glibc's own headers reach <sys/cdefs.h>, so
 * this must be safe to expand in the middle of any of them.
 */
#ifndef VLF_FREEBSD_CDEFS_H
#define VLF_FREEBSD_CDEFS_H

#ifndef __FBSDID
#define __FBSDID(s) struct vlf_fbsdid_unused
#endif
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif
#ifndef __used
#define __used __attribute__((__used__))
#endif
#ifndef __packed
#define __packed __attribute__((__packed__))
#endif
#ifndef __aligned
#define __aligned(n) __attribute__((__aligned__(n)))
#endif
#ifndef __dead2
#define __dead2 __attribute__((__noreturn__))
#endif
#ifndef __pure2
#define __pure2 __attribute__((__const__))
#endif
#ifndef __printflike
#define __printflike(f, a) __attribute__((__format__(__printf__, f, a)))
#endif
#ifndef __predict_true
#define __predict_true(e)  __builtin_expect(!!(e), 1)
#define __predict_false(e) __builtin_expect(!!(e), 0)
#endif
#ifndef __DECONST
#define __DECONST(type, var) ((type)(uintptr_t)(const void *)(var))
#endif
#ifndef __containerof
#define __containerof(p, type, field) ((type *)((char *)(p)-offsetof(type, field)))
#endif
#ifndef __inline
#define __inline inline
#endif
#ifndef __CONCAT
#define __CONCAT1(a, b) a##b
#define __CONCAT(a, b)  __CONCAT1(a, b)
#endif
#ifndef __XSTRING
#define __STRING(x)  #x
#define __XSTRING(x) __STRING(x)
#endif
#ifndef __section
#define __section(s) __attribute__((__section__(s)))
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#ifndef __noinline
#define __noinline __attribute__((__noinline__))
#endif
#ifndef __exported
#define __exported
#endif
#ifndef __GLOBL
#define __GLOBL(sym)
#endif
#ifndef __WEAK
#define __WEAK(sym)
#endif
#ifndef CTASSERT
#define CTASSERT(x) _Static_assert(x, "compile-time assertion: " #x)
#endif
#ifndef nitems
#define nitems(x) (sizeof(x) / sizeof((x)[0]))
#endif

/* Variables used only by assertions (INVARIANTS is always on here). */
#ifndef __diagused
#define __diagused __attribute__((__unused__))
#endif
#ifndef __offsetof
#define __offsetof(type, field) __builtin_offsetof(type, field)
#endif

#endif /* VLF_FREEBSD_CDEFS_H */
