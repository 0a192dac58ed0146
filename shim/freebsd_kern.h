/*
 * vlapic-fuzz: a userspace stand-in for the parts of the FreeBSD kernel API
 * that bhyve's vLAPIC and SVM code use.
 *
 * Written for this project from the kernel's documented interfaces (mutex(9),
 * atomic(9), callout(9), malloc(9), KASSERT(9), cpuset(9), ktr(4)) and from
 * what the compiler asked for; no FreeBSD text is copied here.  Names and
 * signatures match the kernel's at the boundary so that FreeBSD's files build
 * unmodified.
 *
 * Behaviour:
 *  - KASSERT/panic print the message and abort().
 *  - spin mutexes remember their owner: recursion on a non-recursive mutex,
 *    unlocking a mutex one does not own and failed mtx_assert() abort.
 *  - critical_enter/critical_exit nest; an unbalanced exit aborts.
 *  - atomics are the compiler's C11 memory-model builtins.
 *  - time (binuptime, sbinuptime) is a virtual clock; callouts fire only when
 *    the owner of the clock advances it (vlf_kern_clock_advance()).
 *  - KTR trace points format a line and hand it to a hook (may be unset).
 *
 * The harness is single-threaded; "the current thread" is a per-thread token.
 */
#ifndef VLF_FREEBSD_KERN_H
#define VLF_FREEBSD_KERN_H

/* System headers first: later macros (free, malloc, CPU_SET...) would clash. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <limits.h>
#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "freebsd_cdefs.h"

/* Kernel-only error numbers (the others match glibc's values on amd64). */
#ifndef ERESTART
#define ERESTART (-1)
#endif
#ifndef EJUSTRETURN
#define EJUSTRETURN (-2)
#endif

/* ------------------------------------------------------------------------ */
/* Types that the kernel has and glibc lacks                                  */

typedef uint64_t vm_paddr_t;
typedef uint64_t vm_offset_t;
typedef uint64_t vm_size_t;
typedef int64_t vm_ooffset_t;
typedef uint64_t vm_pindex_t;
typedef uint8_t vm_prot_t;
typedef int64_t sbintime_t;
typedef uint64_t pt_entry_t;
typedef uint64_t pd_entry_t;
typedef uint64_t pml4_entry_t;
typedef int lwpid_t;
typedef uint32_t cpuwhich_t;
typedef char vm_memattr_t;
typedef struct vm_object *vm_object_t;
typedef struct vm_page *vm_page_t;
typedef struct vm_map *vm_map_t;
typedef int boolean_t;
#ifndef TRUE
#define TRUE  1
#define FALSE 0
#endif
/* register_t: glibc already provides a 64-bit one on amd64; keep it. */

/* ------------------------------------------------------------------------ */
/* <sys/param.h> bits                                                         */

#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE (1 << PAGE_SHIFT)
#endif
#ifndef PAGE_MASK
#define PAGE_MASK (PAGE_SIZE - 1)
#endif
#ifndef MAXCPU
#define MAXCPU 64
#endif
#ifndef NOCPU
#define NOCPU (-1)
#endif
#ifndef SPECNAMELEN
#define SPECNAMELEN 255
#endif
#ifndef MAXCOMLEN
#define MAXCOMLEN 19
#endif
#ifndef NBBY
#define NBBY 8
#endif
#ifndef roundup2
#define roundup2(x, y) (((x) + ((y)-1)) & ~((y)-1))
#endif
#ifndef rounddown2
#define rounddown2(x, y) ((x) & ~((y)-1))
#endif
#ifndef trunc_page
#define trunc_page(x) ((x) & ~(uint64_t)PAGE_MASK)
#define round_page(x) (((x) + PAGE_MASK) & ~(uint64_t)PAGE_MASK)
#endif
#ifndef powerof2
#define powerof2(x) ((((x)-1) & (x)) == 0)
#endif
#ifndef howmany
#define howmany(x, y) (((x) + ((y)-1)) / (y))
#endif

/* ------------------------------------------------------------------------ */
/* Diagnostics: panic, KASSERT, printf                                        */

#ifndef INVARIANTS
#define INVARIANTS 1
#endif
#ifndef INVARIANT_SUPPORT
#define INVARIANT_SUPPORT 1
#endif

void panic(const char *fmt, ...) __dead2 __printflike(1, 2);
void vlf_kassert_failed(const char *file, int line, const char *expr) __dead2;
/* Called with the formatted KASSERT message (one printf-style argument pack). */
int vlf_kassert_msg(const char *fmt, ...) __printflike(1, 2);

/*
 * KASSERT(expr, (fmt, args...)): the second argument is a parenthesised
 * argument list; it is printed through vlf_kassert_msg before aborting.
 */
#define KASSERT(expr, msg)                                                                         \
	do {                                                                                       \
		if (__predict_false(!(expr))) {                                                    \
			vlf_kassert_msg msg;                                                       \
			vlf_kassert_failed(__FILE__, __LINE__, #expr);                             \
		}                                                                                  \
	} while (0)
#define MPASS(expr)             KASSERT((expr), ("assertion %s failed", #expr))
#define __assert_unreachable()  panic("executing unreachable code at %s:%d", __FILE__, __LINE__)
#define MPASS2(expr, m)         KASSERT((expr), ("%s", m))
#define VNASSERT(expr, vp, msg) KASSERT(expr, msg)

/* ------------------------------------------------------------------------ */
/* Small libkern helpers                                                      */

static inline int fls(int mask)
{
	return mask == 0 ? 0 : (int)(sizeof(int) * 8) - __builtin_clz((unsigned)mask);
}
static inline int flsl(long mask)
{
	return mask == 0 ? 0 : (int)(sizeof(long) * 8) - __builtin_clzl((unsigned long)mask);
}
static inline u_int vlf_umin(u_int a, u_int b)
{
	return a < b ? a : b;
}
static inline u_int vlf_umax(u_int a, u_int b)
{
	return a > b ? a : b;
}
static inline int imin(int a, int b)
{
	return a < b ? a : b;
}
static inline int imax(int a, int b)
{
	return a > b ? a : b;
}
static inline uint64_t ulmin(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}
static inline uint64_t ulmax(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}
#define min(a, b) vlf_umin((a), (b))
#define max(a, b) vlf_umax((a), (b))

/* ------------------------------------------------------------------------ */
/* malloc(9)                                                                  */

struct malloc_type {
	const char *ks_shortdesc;
};
#define M_NOWAIT                                 0x0001
#define M_WAITOK                                 0x0002
#define M_ZERO                                   0x0100
#define M_NOVM                                   0x0200
#define M_USE_RESERVE                            0x0400
#define M_NODUMP                                 0x0800
#define M_FIRSTFIT                               0x1000
#define M_BESTFIT                                0x2000
#define M_EXEC                                   0x4000
#define MALLOC_DEFINE(type, shortdesc, longdesc) struct malloc_type type[1] = {{shortdesc}}
#define MALLOC_DECLARE(type)                     extern struct malloc_type type[1]
MALLOC_DECLARE(M_TEMP);
MALLOC_DECLARE(M_DEVBUF);

void *vlf_kmalloc(size_t size, struct malloc_type *type, int flags);
void vlf_kfree(void *addr, struct malloc_type *type);
void *vlf_kcontigmalloc(size_t size, struct malloc_type *type, int flags, vm_paddr_t low,
                        vm_paddr_t high, unsigned long alignment, vm_paddr_t boundary);
void vlf_kcontigfree(void *addr, size_t size, struct malloc_type *type);
/* Number of live kernel allocations (for leak checks in tests). */
long vlf_kmalloc_live(void);

#define malloc(size, type, flags) vlf_kmalloc((size), (type), (flags))
#define free(addr, type)          vlf_kfree((addr), (type))
#define contigmalloc(size, type, flags, low, high, align, bnd)                                     \
	vlf_kcontigmalloc((size), (type), (flags), (low), (high), (align), (bnd))
#define contigfree(addr, size, type) vlf_kcontigfree((addr), (size), (type))
/* FreeBSD 14+: aligned malloc(9); freed with free(9). */
#define malloc_aligned(size, align, type, flags)                                                   \
	vlf_kcontigmalloc((size), (type), (flags), 0, ~(vm_paddr_t)0, (align), 0)
/* Kernel-map allocations (svm.c's per-CPU host save area, never reached). */
void *kmem_malloc(vm_size_t size, int flags);
void kmem_free(void *addr, vm_size_t size);

/* ------------------------------------------------------------------------ */
/* Critical sections and the current thread                                   */

#define _SYS_PROC_H_ /* machine/vmm.h keys vcpu_should_yield() on this */
struct thread {
	int td_critnest;
	int td_tid;
	int td_flags;
	int td_owepreempt;
	int td_ast; /* FreeBSD 14+: pending AST bits (vcpu_should_yield()) */
};
#define TDF_ASTPENDING  0x00000800
#define TDF_NEEDRESCHED 0x00010000
struct thread *vlf_curthread(void);
#define curthread (vlf_curthread())
void critical_enter(void);
void critical_exit(void);
/* Current critical-section nesting depth of the calling thread. */
int vlf_critical_depth(void);

/* ------------------------------------------------------------------------ */
/* mutex(9)                                                                   */

struct lock_object {
	const char *lo_name;
	u_int lo_flags;
};
struct mtx {
	struct lock_object lock_object;
	struct thread *mtx_owner; /* NULL when not held */
	u_int mtx_recurse;
	int mtx_inited;
};
#define MTX_DEF        0x00000000
#define MTX_SPIN       0x00000001
#define MTX_RECURSE    0x00000004
#define MTX_NOWITNESS  0x00000008
#define MTX_NOPROFILE  0x00000020
#define MTX_QUIET      0x00040000
#define MTX_DUPOK      0x00400000
#define MA_OWNED       0x01
#define MA_NOTOWNED    0x02
#define MA_RECURSED    0x04
#define MA_NOTRECURSED 0x08

void mtx_init(struct mtx *m, const char *name, const char *type, int opts);
void mtx_destroy(struct mtx *m);
void vlf_mtx_lock(struct mtx *m, int spin, const char *file, int line);
void vlf_mtx_unlock(struct mtx *m, int spin, const char *file, int line);
int vlf_mtx_trylock(struct mtx *m, const char *file, int line);
void vlf_mtx_assert(const struct mtx *m, int what, const char *file, int line);
int mtx_owned(const struct mtx *m);
int mtx_initialized(const struct mtx *m);
#define mtx_lock(m)         vlf_mtx_lock((m), 0, __FILE__, __LINE__)
#define mtx_unlock(m)       vlf_mtx_unlock((m), 0, __FILE__, __LINE__)
#define mtx_lock_spin(m)    vlf_mtx_lock((m), 1, __FILE__, __LINE__)
#define mtx_unlock_spin(m)  vlf_mtx_unlock((m), 1, __FILE__, __LINE__)
#define mtx_trylock(m)      vlf_mtx_trylock((m), __FILE__, __LINE__)
#define mtx_assert(m, what) vlf_mtx_assert((m), (what), __FILE__, __LINE__)
#define mtx_name(m)         ((m)->lock_object.lo_name)

/* sx(9): only embedded by headers (FreeBSD 15's struct vm_mem); the harness
 * never takes one. */
struct sx {
	struct lock_object lock_object;
	uintptr_t sx_lock;
};

/* ------------------------------------------------------------------------ */
/* atomic(9): the compiler's C11 memory-model builtins                         */

#define VLF_ATOMIC_OPS(sfx, T)                                                                     \
	static inline void atomic_set_##sfx(volatile T *p, T v)                                    \
	{                                                                                          \
		__atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);                                         \
	}                                                                                          \
	static inline void atomic_clear_##sfx(volatile T *p, T v)                                  \
	{                                                                                          \
		__atomic_fetch_and(p, (T)~v, __ATOMIC_SEQ_CST);                                    \
	}                                                                                          \
	static inline void atomic_add_##sfx(volatile T *p, T v)                                    \
	{                                                                                          \
		__atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);                                        \
	}                                                                                          \
	static inline void atomic_subtract_##sfx(volatile T *p, T v)                               \
	{                                                                                          \
		__atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST);                                        \
	}                                                                                          \
	static inline T atomic_load_acq_##sfx(volatile T *p)                                       \
	{                                                                                          \
		return __atomic_load_n(p, __ATOMIC_ACQUIRE);                                       \
	}                                                                                          \
	static inline void atomic_store_rel_##sfx(volatile T *p, T v)                              \
	{                                                                                          \
		__atomic_store_n(p, v, __ATOMIC_RELEASE);                                          \
	}                                                                                          \
	static inline T atomic_readandclear_##sfx(volatile T *p)                                   \
	{                                                                                          \
		return __atomic_exchange_n(p, (T)0, __ATOMIC_SEQ_CST);                             \
	}                                                                                          \
	static inline T atomic_swap_##sfx(volatile T *p, T v)                                      \
	{                                                                                          \
		return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);                                \
	}                                                                                          \
	static inline T atomic_fetchadd_##sfx(volatile T *p, T v)                                  \
	{                                                                                          \
		return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);                                 \
	}                                                                                          \
	static inline int atomic_cmpset_##sfx(volatile T *p, T expect, T nv)                       \
	{                                                                                          \
		return __atomic_compare_exchange_n(p, &expect, nv, 0, __ATOMIC_SEQ_CST,            \
		                                   __ATOMIC_SEQ_CST);                              \
	}                                                                                          \
	static inline int atomic_fcmpset_##sfx(volatile T *p, T *expect, T nv)                     \
	{                                                                                          \
		return __atomic_compare_exchange_n(p, expect, nv, 0, __ATOMIC_SEQ_CST,             \
		                                   __ATOMIC_SEQ_CST);                              \
	}                                                                                          \
	static inline int atomic_testandset_##sfx(volatile T *p, u_int bit)                        \
	{                                                                                          \
		T m = (T)((T)1 << (bit % (sizeof(T) * 8)));                                        \
		return (__atomic_fetch_or(p, m, __ATOMIC_SEQ_CST) & m) != 0;                       \
	}                                                                                          \
	static inline int atomic_testandclear_##sfx(volatile T *p, u_int bit)                      \
	{                                                                                          \
		T m = (T)((T)1 << (bit % (sizeof(T) * 8)));                                        \
		return (__atomic_fetch_and(p, (T)~m, __ATOMIC_SEQ_CST) & m) != 0;                  \
	}

VLF_ATOMIC_OPS(int, u_int)
VLF_ATOMIC_OPS(32, uint32_t)
VLF_ATOMIC_OPS(long, u_long)
VLF_ATOMIC_OPS(64, uint64_t)
VLF_ATOMIC_OPS(ptr, uintptr_t)
#define atomic_set_acq_int            atomic_set_int
#define atomic_set_rel_int            atomic_set_int
#define atomic_clear_acq_int          atomic_clear_int
#define atomic_clear_rel_int          atomic_clear_int
#define atomic_set_acq_long           atomic_set_long
#define atomic_clear_rel_long         atomic_clear_long
#define atomic_add_acq_int            atomic_add_int
#define atomic_add_rel_int            atomic_add_int
#define atomic_cmpset_acq_int         atomic_cmpset_int
#define atomic_cmpset_rel_int         atomic_cmpset_int
#define atomic_cmpset_acq_long        atomic_cmpset_long
#define atomic_cmpset_rel_long        atomic_cmpset_long
#define atomic_thread_fence_acq()     __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define atomic_thread_fence_rel()     __atomic_thread_fence(__ATOMIC_RELEASE)
#define atomic_thread_fence_acq_rel() __atomic_thread_fence(__ATOMIC_ACQ_REL)
#define atomic_thread_fence_seq_cst() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define atomic_load_int(p)            __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_load_32(p)             __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_load_long(p)           __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_load_64(p)             __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_load_ptr(p)            __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_store_int(p, v)        __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_store_32(p, v)         __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_store_long(p, v)       __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_store_64(p, v)         __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_store_ptr(p, v)        __atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* ------------------------------------------------------------------------ */
/* cpuset(9) (the guard below is what machine/vmm.h tests for)               */

#define _SYS__CPUSET_H_
#define _SYS_CPUSET_H_
#ifndef CPU_SETSIZE_KERN
#define CPU_SETSIZE_KERN 256
#endif
#define VLF_CPUSET_WORDS (CPU_SETSIZE_KERN / 64)
typedef struct _cpuset {
	unsigned long __bits[VLF_CPUSET_WORDS];
} cpuset_t;

/* glibc's <sched.h> has user-space macros with these names. */
#undef CPU_SETSIZE
#undef CPU_ZERO
#undef CPU_SET
#undef CPU_CLR
#undef CPU_ISSET
#undef CPU_COUNT
#undef CPU_AND
#undef CPU_OR
#undef CPU_EQUAL
#define CPU_SETSIZE  CPU_SETSIZE_KERN
#define CPU_MAXSIZE  CPU_SETSIZE_KERN
#define VLF_CPU_W(n) ((unsigned)(n) / 64u)
#define VLF_CPU_B(n) (1UL << ((unsigned)(n) % 64u))

static inline void vlf_cpuset_zero(cpuset_t *s)
{
	memset(s, 0, sizeof(*s));
}
static inline void vlf_cpuset_fill(cpuset_t *s)
{
	memset(s, 0xff, sizeof(*s));
}
static inline int vlf_cpuset_empty(const cpuset_t *s)
{
	for (int i = 0; i < VLF_CPUSET_WORDS; i++)
		if (s->__bits[i] != 0)
			return 0;
	return 1;
}
static inline int vlf_cpuset_ffs(const cpuset_t *s)
{
	for (int i = 0; i < VLF_CPUSET_WORDS; i++)
		if (s->__bits[i] != 0)
			return i * 64 + __builtin_ffsl((long)s->__bits[i]);
	return 0;
}
static inline int vlf_cpuset_count(const cpuset_t *s)
{
	int n = 0;
	for (int i = 0; i < VLF_CPUSET_WORDS; i++)
		n += __builtin_popcountl(s->__bits[i]);
	return n;
}
static inline int vlf_cpuset_cmp(const cpuset_t *a, const cpuset_t *b)
{
	return memcmp(a, b, sizeof(*a)) != 0;
}
static inline int vlf_cpuset_subset(const cpuset_t *big, const cpuset_t *small)
{
	for (int i = 0; i < VLF_CPUSET_WORDS; i++)
		if ((big->__bits[i] & small->__bits[i]) != small->__bits[i])
			return 0;
	return 1;
}
static inline int vlf_cpuset_overlap(const cpuset_t *a, const cpuset_t *b)
{
	for (int i = 0; i < VLF_CPUSET_WORDS; i++)
		if (a->__bits[i] & b->__bits[i])
			return 1;
	return 0;
}

#define CPU_ZERO(s)            vlf_cpuset_zero(s)
#define CPU_FILL(s)            vlf_cpuset_fill(s)
#define CPU_SETOF(n, s)        (vlf_cpuset_zero(s), (s)->__bits[VLF_CPU_W(n)] |= VLF_CPU_B(n))
#define CPU_SET(n, s)          ((s)->__bits[VLF_CPU_W(n)] |= VLF_CPU_B(n))
#define CPU_CLR(n, s)          ((s)->__bits[VLF_CPU_W(n)] &= ~VLF_CPU_B(n))
#define CPU_ISSET(n, s)        (((s)->__bits[VLF_CPU_W(n)] & VLF_CPU_B(n)) != 0)
#define CPU_EMPTY(s)           vlf_cpuset_empty(s)
#define CPU_ISFULLSET(s)       (vlf_cpuset_count(s) == CPU_SETSIZE)
#define CPU_FFS(s)             vlf_cpuset_ffs(s)
#define CPU_COUNT(s)           vlf_cpuset_count(s)
#define CPU_CMP(a, b)          vlf_cpuset_cmp((a), (b))
#define CPU_SUBSET(big, small) vlf_cpuset_subset((big), (small))
#define CPU_OVERLAP(a, b)      vlf_cpuset_overlap((a), (b))
#define CPU_COPY(from, to)     (*(to) = *(from))
#define CPU_OR(d, s)                                                                               \
	do {                                                                                       \
		for (int vlf_i_ = 0; vlf_i_ < VLF_CPUSET_WORDS; vlf_i_++)                          \
			(d)->__bits[vlf_i_] |= (s)->__bits[vlf_i_];                                \
	} while (0)
#define VLF_CPU_AND2(d, s)                                                                         \
	do {                                                                                       \
		for (int vlf_i_ = 0; vlf_i_ < VLF_CPUSET_WORDS; vlf_i_++)                          \
			(d)->__bits[vlf_i_] &= (s)->__bits[vlf_i_];                                \
	} while (0)
/* FreeBSD 14+: CPU_AND(dst, src1, src2). */
#define VLF_CPU_AND3(d, a, b)                                                                      \
	do {                                                                                       \
		for (int vlf_i_ = 0; vlf_i_ < VLF_CPUSET_WORDS; vlf_i_++)                          \
			(d)->__bits[vlf_i_] = (a)->__bits[vlf_i_] & (b)->__bits[vlf_i_];           \
	} while (0)
#define VLF_CPU_PICK3(_1, _2, _3, name, ...) name
/* Both forms: CPU_AND(d, s) (d &= s) and CPU_AND(d, a, b) (d = a & b). */
#define CPU_AND(...) VLF_CPU_PICK3(__VA_ARGS__, VLF_CPU_AND3, VLF_CPU_AND2, unused)(__VA_ARGS__)
/* Each set member in turn; the body is an else branch, so break/continue work. */
#define CPU_FOREACH_ISSET(i, s)                                                                    \
	for ((i) = 0; (i) < CPU_SETSIZE; (i)++)                                                    \
		if (!CPU_ISSET((i), (s))) {                                                        \
		} else
#define CPU_NAND(d, s)                                                                             \
	do {                                                                                       \
		for (int vlf_i_ = 0; vlf_i_ < VLF_CPUSET_WORDS; vlf_i_++)                          \
			(d)->__bits[vlf_i_] &= ~(s)->__bits[vlf_i_];                               \
	} while (0)
#define CPU_SET_ATOMIC(n, s)     atomic_set_long(&(s)->__bits[VLF_CPU_W(n)], VLF_CPU_B(n))
#define CPU_SET_ATOMIC_ACQ(n, s) CPU_SET_ATOMIC(n, s)
#define CPU_CLR_ATOMIC(n, s)     atomic_clear_long(&(s)->__bits[VLF_CPU_W(n)], VLF_CPU_B(n))
#define CPU_OR_ATOMIC(d, s)                                                                        \
	do {                                                                                       \
		for (int vlf_i_ = 0; vlf_i_ < VLF_CPUSET_WORDS; vlf_i_++)                          \
			atomic_set_long(&(d)->__bits[vlf_i_], (s)->__bits[vlf_i_]);                \
	} while (0)

/* The host: one CPU. */
#define mp_ncpus       1
#define mp_maxid       0
#define curcpu         0
#define CPU_FOREACH(i) for ((i) = 0; (i) <= mp_maxid; (i)++)
extern cpuset_t all_cpus;

/* ------------------------------------------------------------------------ */
/* Time: bintime / sbintime on a virtual clock                               */

/* 128-bit helpers for exact fixed-point arithmetic (GNU C extension). */
__extension__ typedef unsigned __int128 vlf_u128;
__extension__ typedef __int128 vlf_s128;

struct bintime {
	int64_t sec;   /* seconds */
	uint64_t frac; /* fraction of a second, in units of 2^-64 s */
};

#define SBT_1S  ((sbintime_t)1 << 32)
#define SBT_1M  (SBT_1S * 60)
#define SBT_1MS (SBT_1S / 1000)
#define SBT_1US (SBT_1S / 1000000)
#define SBT_1NS (SBT_1S / 1000000000)
#define SBT_MAX 0x7fffffffffffffffLL

static inline void bintime_addx(struct bintime *bt, uint64_t x)
{
	uint64_t old = bt->frac;
	bt->frac += x;
	if (bt->frac < old)
		bt->sec++;
}
static inline void bintime_add(struct bintime *acc, const struct bintime *b)
{
	uint64_t old = acc->frac;
	acc->frac += b->frac;
	if (acc->frac < old)
		acc->sec++;
	acc->sec += b->sec;
}
static inline void bintime_sub(struct bintime *acc, const struct bintime *b)
{
	uint64_t old = acc->frac;
	acc->frac -= b->frac;
	if (acc->frac > old)
		acc->sec--;
	acc->sec -= b->sec;
}
static inline void bintime_mul(struct bintime *bt, u_int factor)
{
	/* (sec + frac/2^64) * factor, carried through 128-bit arithmetic */
	vlf_u128 f = (vlf_u128)bt->frac * factor;
	bt->frac = (uint64_t)f;
	bt->sec = bt->sec * (int64_t)factor + (int64_t)(uint64_t)(f >> 64);
}
#define bintime_clear(bt) ((bt)->sec = 0, (bt)->frac = 0)
#define bintime_isset(bt) ((bt)->sec != 0 || (bt)->frac != 0)
#define bintime_cmp(a, b, op)                                                                      \
	(((a)->sec == (b)->sec) ? ((a)->frac op(b)->frac) : ((a)->sec op(b)->sec))

static inline sbintime_t bttosbt(const struct bintime bt)
{
	return (sbintime_t)(((uint64_t)bt.sec << 32) + (bt.frac >> 32));
}
static inline struct bintime sbttobt(sbintime_t sbt)
{
	struct bintime bt;
	bt.sec = sbt >> 32;
	bt.frac = (uint64_t)sbt << 32;
	return bt;
}
/* Period (as a bintime) of a clock running at freq Hz, and back. */
#define FREQ2BT(freq, bt)                                                                          \
	do {                                                                                       \
		(bt)->sec = 0;                                                                     \
		(bt)->frac = (uint64_t)((((vlf_u128)1) << 64) / (uint64_t)(freq));                 \
	} while (0)
#define BT2FREQ(bt) ((uint64_t)(((((vlf_u128)1) << 64) + (((bt)->frac) >> 1)) / ((bt)->frac)))

static inline sbintime_t nstosbt(int64_t ns)
{
	return (sbintime_t)(((vlf_u128)ns << 32) / 1000000000u);
}
static inline int64_t sbttons(sbintime_t sbt)
{
	return (int64_t)(((vlf_s128)sbt * 1000000000) >> 32);
}
#define ustosbt(us) nstosbt((int64_t)(us)*1000)
#define mstosbt(ms) nstosbt((int64_t)(ms)*1000000)

/* The virtual clock: starts at 0 and moves only when advanced. */
void binuptime(struct bintime *bt);
void getbinuptime(struct bintime *bt);
sbintime_t sbinuptime(void);
sbintime_t getsbinuptime(void);
extern volatile int ticks;
extern int hz;

/* ------------------------------------------------------------------------ */
/* callout(9) on the virtual clock                                            */

struct callout {
	sbintime_t c_time; /* absolute expiry on the virtual clock */
	void (*c_func)(void *);
	void *c_arg;
	struct mtx *c_lock;
	int c_flags; /* VLF_CALLOUT_* */
	int c_iflags;
	unsigned long c_seq;    /* arming order, breaks ties */
	struct callout *c_next; /* on the pending list */
};
#define VLF_CALLOUT_ACTIVE     0x1
#define VLF_CALLOUT_PENDING    0x2
#define VLF_CALLOUT_MPSAFE     0x4
#define C_DIRECT_EXEC          0x0001
#define C_PRELSET(x)           0
#define C_HARDCLOCK            0x0100
#define C_ABSOLUTE             0x0200
#define C_PRECALC              0x0400
#define CALLOUT_RETURNUNLOCKED 0x0010
#define CALLOUT_SHAREDLOCK     0x0020

void callout_init(struct callout *c, int mpsafe);
void callout_init_mtx(struct callout *c, struct mtx *m, int flags);
int callout_reset_sbt(struct callout *c, sbintime_t sbt, sbintime_t prec, void (*fn)(void *),
                      void *arg, int flags);
int callout_reset(struct callout *c, int ticks_, void (*fn)(void *), void *arg);
int callout_stop(struct callout *c);
int callout_drain(struct callout *c);
/* FreeBSD 14+: the same, on the current CPU (there is only one here). */
#define callout_reset_sbt_curcpu(c, sbt, pr, fn, arg, flags)                                       \
	callout_reset_sbt((c), (sbt), (pr), (fn), (arg), (flags))
#define callout_active(c)     (((c)->c_flags & VLF_CALLOUT_ACTIVE) != 0)
#define callout_pending(c)    (((c)->c_flags & VLF_CALLOUT_PENDING) != 0)
#define callout_deactivate(c) ((c)->c_flags &= ~VLF_CALLOUT_ACTIVE)

/*
 * The owner of the clock (the harness, via the target adapter):
 * advance time, running due callouts in expiry order; reset to 0 and forget
 * every armed callout; ask when the next one is due (-1: none).
 */
void vlf_kern_clock_advance(sbintime_t delta);
void vlf_kern_clock_reset(void);
sbintime_t vlf_kern_clock_now(void);
sbintime_t vlf_kern_next_callout(void);
int vlf_kern_callouts_armed(void);

/* ------------------------------------------------------------------------ */
/* KTR tracing: formatted and passed to a hook when one is installed         */

#define KTR_GEN 0x00000001
#ifndef KTR_COMPILE
#define KTR_COMPILE 0xffffffff
#endif
extern void (*vlf_ktr_hook)(void *ctx, const char *line);
extern void *vlf_ktr_hook_ctx;
void vlf_ktr(const char *fmt, ...);
#define VLF_KTR(...)                                                                               \
	do {                                                                                       \
		if (vlf_ktr_hook != NULL)                                                          \
			vlf_ktr(__VA_ARGS__);                                                      \
	} while (0)
#define CTR0(m, f)                   VLF_KTR(f)
#define CTR1(m, f, a)                VLF_KTR(f, a)
#define CTR2(m, f, a, b)             VLF_KTR(f, a, b)
#define CTR3(m, f, a, b, c)          VLF_KTR(f, a, b, c)
#define CTR4(m, f, a, b, c, d)       VLF_KTR(f, a, b, c, d)
#define CTR5(m, f, a, b, c, d, e)    VLF_KTR(f, a, b, c, d, e)
#define CTR6(m, f, a, b, c, d, e, g) VLF_KTR(f, a, b, c, d, e, g)

/* ------------------------------------------------------------------------ */
/* Registration macros that mean nothing here                                 */

#define SYSINIT(uniq, sub, order, func, ident)   struct vlf_sysinit_unused
#define SYSUNINIT(uniq, sub, order, func, ident) struct vlf_sysinit_unused
#define SI_SUB_KLD                               0
#define SI_ORDER_ANY                             0
#define SI_ORDER_FIRST                           0
#define SI_ORDER_SECOND                          1
struct sysctl_oid_list {
	int unused;
};
#define SYSCTL_DECL(name) extern struct sysctl_oid_list sysctl_##name##_children
#define SYSCTL_NODE(parent, nbr, name, ...)                                                        \
	struct sysctl_oid_list sysctl_##parent##_##name##_children
#define SYSCTL_INT(parent, nbr, name, access, ptr, val, descr) struct vlf_sysctl_unused
#define SYSCTL_UINT                                            SYSCTL_INT
#define SYSCTL_LONG                                            SYSCTL_INT
#define SYSCTL_ULONG                                           SYSCTL_INT
#define SYSCTL_U64                                             SYSCTL_INT
#define SYSCTL_PROC(parent, nbr, name, access, ptr, arg, handler, fmt, descr)                      \
	struct vlf_sysctl_unused
#define SYSCTL_STRING(parent, nbr, name, access, arg, len, descr) struct vlf_sysctl_unused
#define TUNABLE_INT(path, var)                                    struct vlf_sysctl_unused
#define TUNABLE_INT_FETCH(path, var)                              0
#define OID_AUTO                                                  (-1)
#define CTLFLAG_RD                                                0
#define CTLFLAG_RW                                                0
#define CTLFLAG_RDTUN                                             0
#define CTLFLAG_RWTUN                                             0
#define CTLFLAG_MPSAFE                                            0
#define CTLTYPE_INT                                               0
#define CTLTYPE_UINT                                              0
#define SDT_PROVIDER_DECLARE(p)                                   struct vlf_sdt_unused
#define SDT_PROVIDER_DEFINE(p)                                    struct vlf_sdt_unused
#define SDT_PROBE_DEFINE1(...)                                    struct vlf_sdt_unused
#define SDT_PROBE1(...)                                           ((void)0)
#define MODULE_VERSION(...)                                       struct vlf_module_unused
#define DECLARE_MODULE(...)                                       struct vlf_module_unused

/* ------------------------------------------------------------------------ */
/* Per-CPU data, processes, scheduling: just enough to compile               */

struct pcpu {
	int pc_cpuid;
	struct system_segment_descriptor *pc_tss;
	struct system_segment_descriptor *pc_ldt;
	void *pc_curpmap;
	struct thread *pc_curthread;
};
extern struct pcpu __pcpu[];
#define PCPU_GET(member)      (__pcpu[0].pc_##member)
#define PCPU_SET(member, val) (__pcpu[0].pc_##member = (val))
#define PCPU_PTR(member)      (&__pcpu[0].pc_##member)
#define get_pcpu()            (&__pcpu[0])

#define IPI_AST 0xf9
/* Placeholder meaning "no barrier function" in smp_rendezvous(). */
void smp_no_rendezvous_barrier(void *arg);
#define smp_no_rendevous_barrier smp_no_rendezvous_barrier
/* Runs setup, action and teardown once, on the only CPU. */
void smp_rendezvous(void (*setup)(void *), void (*action)(void *), void (*teardown)(void *),
                    void *arg);
void ipi_cpu(int cpu, u_int ipi);
void ipi_selected(cpuset_t cpus, u_int ipi);
int vlf_ipi_count(void);

/* ------------------------------------------------------------------------ */
/* vm/pmap: types only; nothing maps memory here                              */

/* FreeBSD 14+: safe memory reclamation sections around guest entry (no-ops). */
typedef struct vlf_smr *smr_t;
static inline void smr_enter(smr_t smr)
{
	(void)smr;
}
static inline void smr_exit(smr_t smr)
{
	(void)smr;
}

struct pmap {
	uint64_t *pm_pml4;
	uint64_t *pm_pmltop; /* FreeBSD 14+ name of the top-level table */
	smr_t pm_eptsmr;
	cpuset_t pm_active;
	long pm_eptgen;
	int pm_type;
};
typedef struct pmap *pmap_t;
struct vmspace {
	struct pmap vm_pmap;
};
#define vmspace_pmap(vms) (&(vms)->vm_pmap)
vm_paddr_t vtophys(const void *va);
#define DMAP_TO_PHYS(x) ((vm_paddr_t)(x))
#define PHYS_TO_DMAP(x) ((vm_offset_t)(x))
#define VM_PROT_NONE    ((vm_prot_t)0x00)
#define VM_PROT_READ    ((vm_prot_t)0x01)
#define VM_PROT_WRITE   ((vm_prot_t)0x02)
#define VM_PROT_EXECUTE ((vm_prot_t)0x04)
#define VM_PROT_ALL     (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE)

/* ------------------------------------------------------------------------ */
/* Privileged instructions: inert (the host CPU is never touched)            */

uint64_t vlf_priv_rdmsr(u_int msr);
void vlf_priv_wrmsr(u_int msr, uint64_t val);
static inline uint64_t rdmsr(u_int msr)
{
	return vlf_priv_rdmsr(msr);
}
static inline void wrmsr(u_int msr, uint64_t val)
{
	vlf_priv_wrmsr(msr, val);
}
static inline int rdmsr_safe(u_int msr, uint64_t *val)
{
	*val = vlf_priv_rdmsr(msr);
	return 0;
}
static inline int wrmsr_safe(u_int msr, uint64_t val)
{
	vlf_priv_wrmsr(msr, val);
	return 0;
}
static inline void do_cpuid(u_int ax, u_int *p)
{
	(void)ax;
	p[0] = p[1] = p[2] = p[3] = 0;
}
static inline void cpuid_count(u_int ax, u_int cx, u_int *p)
{
	(void)ax;
	(void)cx;
	p[0] = p[1] = p[2] = p[3] = 0;
}
static inline uint64_t rdtsc(void)
{
	return (uint64_t)sbinuptime();
}
static inline void disable_intr(void)
{
}
static inline void enable_intr(void)
{
}
static inline register_t intr_disable(void)
{
	return 0;
}
static inline void intr_restore(register_t s)
{
	(void)s;
}
static inline uint16_t sldt(void)
{
	return 0;
}
static inline void lldt(u_short sel)
{
	(void)sel;
}
static inline void ltr(u_short sel)
{
	(void)sel;
}
static inline u_long rcr0(void)
{
	return 0;
}
static inline u_long rcr2(void)
{
	return 0;
}
static inline u_long rcr3(void)
{
	return 0;
}
static inline u_long rcr4(void)
{
	return 0;
}
static inline void load_cr0(u_long v)
{
	(void)v;
}
static inline void load_cr2(u_long v)
{
	(void)v;
}
static inline void load_cr4(u_long v)
{
	(void)v;
}
static inline uint64_t rxcr(u_int reg)
{
	(void)reg;
	return 0;
}
static inline void load_xcr(u_int reg, uint64_t v)
{
	(void)reg;
	(void)v;
}
static inline uint64_t rdr0(void)
{
	return 0;
}
#define rdr1 rdr0
#define rdr2 rdr0
#define rdr3 rdr0
#define rdr6 rdr0
#define rdr7 rdr0
static inline void load_dr0(uint64_t v)
{
	(void)v;
}
#define load_dr1 load_dr0
#define load_dr2 load_dr0
#define load_dr3 load_dr0
#define load_dr6 load_dr0
#define load_dr7 load_dr0
static inline void invlpg(u_long va)
{
	(void)va;
}
static inline void ia32_pause(void)
{
}
static inline void cpu_spinwait(void)
{
}
static inline void fpu_stop_emulating(void)
{
}
static inline void fpu_start_emulating(void)
{
}
static inline void fpuexit(struct thread *td)
{
	(void)td;
}
static inline void fpurestore(void *addr)
{
	(void)addr;
}
static inline void fpusave(void *addr)
{
	(void)addr;
}
static inline void fpuinit(void)
{
}

/* machine/reg.h: debug-register bits that always read as 1 (SDM vol. 3, 17.2) */
#define DBREG_DR6_RESERVED1 0xffff0ff0
#define DBREG_DR7_RESERVED1 0x00000400
#define DBREG_DR6_BD        0x2000
#define DBREG_DR6_BS        0x4000 /* single-step trap (FreeBSD 14+ svm.c) */
#define DBREG_DR7_GD        0x2000

/* Host CPU identification (machine/md_var.h) */
extern u_int cpu_feature, cpu_feature2, amd_feature, amd_feature2, cpu_high, cpu_exthigh, cpu_id,
    cpu_procinfo, cpu_procinfo2, cpu_stdext_feature, cpu_stdext_feature2, cpu_stdext_feature3,
    cpu_vendor_id, amd_extended_feature_extensions, cpu_mxcsr_mask, cpu_max_ext_state_size,
    tsc_is_invariant;
extern char cpu_vendor[];
extern uint64_t tsc_freq;
extern int vm_guest;

/* Kernel printf: the C library's. */
#define log(pri, ...) printf(__VA_ARGS__)
#define LOG_WARNING   4
#define LOG_ERR       3
#define LOG_INFO      6

#define bootverbose 0
#define cold        0

#ifdef __cplusplus
}
#endif

#endif /* VLF_FREEBSD_KERN_H */
