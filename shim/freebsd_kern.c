/*
 * vlapic-fuzz: implementation of the userspace kernel-API shim
 * (see freebsd_kern.h for what each primitive promises).
 */
#include "freebsd_kern.h"

#undef malloc
#undef free

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                                */

void panic(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("panic: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

int vlf_kassert_msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("KASSERT failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 0;
}

void vlf_kassert_failed(const char *file, int line, const char *expr)
{
	fprintf(stderr, "  (%s) at %s:%d\n", expr, file, line);
	fflush(stderr);
	abort();
}

/* ------------------------------------------------------------------------ */
/* malloc(9)                                                                  */

struct malloc_type M_TEMP[1] = {{"temp"}};
struct malloc_type M_DEVBUF[1] = {{"devbuf"}};
static long kmalloc_live;

void *vlf_kmalloc(size_t size, struct malloc_type *type, int flags)
{
	void *p;

	(void)type;
	if (size == 0)
		size = 1;
	/* Like the kernel's, allocations of a page or more are page aligned. */
	if (size >= PAGE_SIZE) {
		if (posix_memalign(&p, PAGE_SIZE, size) != 0)
			p = NULL;
		else if (flags & M_ZERO)
			memset(p, 0, size);
	} else {
		p = (flags & M_ZERO) ? calloc(1, size) : malloc(size);
	}
	if (p == NULL) {
		if (flags & M_NOWAIT)
			return NULL;
		panic("malloc(%zu, %s) failed with M_WAITOK", size,
		      type != NULL ? type->ks_shortdesc : "?");
	}
	kmalloc_live++;
	return p;
}

void vlf_kfree(void *addr, struct malloc_type *type)
{
	(void)type;
	if (addr == NULL)
		return;
	kmalloc_live--;
	free(addr);
}

void *vlf_kcontigmalloc(size_t size, struct malloc_type *type, int flags, vm_paddr_t low,
                        vm_paddr_t high, unsigned long alignment, vm_paddr_t boundary)
{
	void *p;
	size_t align = alignment < sizeof(void *) ? sizeof(void *) : alignment;

	(void)type;
	(void)low;
	(void)high;
	(void)boundary;
	if (posix_memalign(&p, align, size) != 0) {
		if (flags & M_NOWAIT)
			return NULL;
		panic("contigmalloc(%zu) failed", size);
	}
	if (flags & M_ZERO)
		memset(p, 0, size);
	kmalloc_live++;
	return p;
}

void vlf_kcontigfree(void *addr, size_t size, struct malloc_type *type)
{
	(void)size;
	vlf_kfree(addr, type);
}

void *kmem_malloc(vm_size_t size, int flags)
{
	return vlf_kcontigmalloc(size, M_TEMP, flags, 0, ~(vm_paddr_t)0, PAGE_SIZE, 0);
}

void kmem_free(void *addr, vm_size_t size)
{
	vlf_kcontigfree(addr, size, M_TEMP);
}

long vlf_kmalloc_live(void)
{
	return kmalloc_live;
}

/* ------------------------------------------------------------------------ */
/* Threads and critical sections                                              */

static _Thread_local struct thread vlf_thread;

struct thread *vlf_curthread(void)
{
	return &vlf_thread;
}

void critical_enter(void)
{
	vlf_thread.td_critnest++;
}

void critical_exit(void)
{
	if (vlf_thread.td_critnest <= 0)
		panic("critical_exit: not in a critical section (nesting %d)",
		      vlf_thread.td_critnest);
	vlf_thread.td_critnest--;
}

int vlf_critical_depth(void)
{
	return vlf_thread.td_critnest;
}

/* ------------------------------------------------------------------------ */
/* mutex(9)                                                                   */

void mtx_init(struct mtx *m, const char *name, const char *type, int opts)
{
	(void)type;
	if (m->mtx_inited == 0x6d747821 && m->mtx_owner != NULL)
		panic("mtx_init: \"%s\" re-initialised while held", name);
	memset(m, 0, sizeof(*m));
	m->lock_object.lo_name = name;
	m->lock_object.lo_flags = (u_int)opts;
	m->mtx_inited = 0x6d747821;
}

void mtx_destroy(struct mtx *m)
{
	if (m->mtx_inited != 0x6d747821)
		panic("mtx_destroy: uninitialised mutex");
	if (m->mtx_owner != NULL)
		panic("mtx_destroy: \"%s\" destroyed while held", m->lock_object.lo_name);
	m->mtx_inited = 0;
}

static void mtx_check(const struct mtx *m, const char *op, const char *file, int line)
{
	if (m->mtx_inited != 0x6d747821)
		panic("%s: uninitialised mutex at %s:%d", op, file, line);
}

void vlf_mtx_lock(struct mtx *m, int spin, const char *file, int line)
{
	mtx_check(m, spin ? "mtx_lock_spin" : "mtx_lock", file, line);
	if (((m->lock_object.lo_flags & MTX_SPIN) != 0) != (spin != 0))
		panic("%s on a %s mutex \"%s\" at %s:%d", spin ? "mtx_lock_spin" : "mtx_lock",
		      spin ? "sleep" : "spin", m->lock_object.lo_name, file, line);
	if (!spin && vlf_critical_depth() != 0)
		panic("blockable mutex \"%s\" acquired in a critical section at %s:%d",
		      m->lock_object.lo_name, file, line);
	if (spin)
		critical_enter();
	if (m->mtx_owner == curthread) {
		if ((m->lock_object.lo_flags & MTX_RECURSE) == 0)
			panic("recursion on non-recursive mutex \"%s\" at %s:%d",
			      m->lock_object.lo_name, file, line);
		m->mtx_recurse++;
		return;
	}
	if (m->mtx_owner != NULL)
		panic("mutex \"%s\" held by another thread at %s:%d (would deadlock)",
		      m->lock_object.lo_name, file, line);
	m->mtx_owner = curthread;
}

int vlf_mtx_trylock(struct mtx *m, const char *file, int line)
{
	mtx_check(m, "mtx_trylock", file, line);
	if (m->mtx_owner != NULL && m->mtx_owner != curthread)
		return 0;
	if (m->mtx_owner == curthread && (m->lock_object.lo_flags & MTX_RECURSE) == 0)
		panic("mtx_trylock: recursion on non-recursive mutex \"%s\" at %s:%d",
		      m->lock_object.lo_name, file, line);
	vlf_mtx_lock(m, (m->lock_object.lo_flags & MTX_SPIN) != 0, file, line);
	return 1;
}

void vlf_mtx_unlock(struct mtx *m, int spin, const char *file, int line)
{
	mtx_check(m, spin ? "mtx_unlock_spin" : "mtx_unlock", file, line);
	if (((m->lock_object.lo_flags & MTX_SPIN) != 0) != (spin != 0))
		panic("%s on a %s mutex \"%s\" at %s:%d", spin ? "mtx_unlock_spin" : "mtx_unlock",
		      spin ? "sleep" : "spin", m->lock_object.lo_name, file, line);
	if (m->mtx_owner != curthread)
		panic("mutex \"%s\" not owned at %s:%d", m->lock_object.lo_name, file, line);
	if (m->mtx_recurse > 0)
		m->mtx_recurse--;
	else
		m->mtx_owner = NULL;
	if (spin)
		critical_exit();
}

int mtx_owned(const struct mtx *m)
{
	return m->mtx_owner == curthread;
}

int mtx_initialized(const struct mtx *m)
{
	return m->mtx_inited == 0x6d747821;
}

void vlf_mtx_assert(const struct mtx *m, int what, const char *file, int line)
{
	int owned = m->mtx_owner == curthread;

	mtx_check(m, "mtx_assert", file, line);
	if ((what & MA_OWNED) && !owned)
		panic("mutex \"%s\" not owned at %s:%d", m->lock_object.lo_name, file, line);
	if ((what & MA_NOTOWNED) && owned)
		panic("mutex \"%s\" owned at %s:%d", m->lock_object.lo_name, file, line);
	if ((what & MA_RECURSED) && m->mtx_recurse == 0)
		panic("mutex \"%s\" not recursed at %s:%d", m->lock_object.lo_name, file, line);
	if ((what & MA_NOTRECURSED) && m->mtx_recurse != 0)
		panic("mutex \"%s\" recursed at %s:%d", m->lock_object.lo_name, file, line);
}

/* ------------------------------------------------------------------------ */
/* Virtual clock and callouts                                                 */

cpuset_t all_cpus = {{1}};
volatile int ticks;
int hz = 1000;
static sbintime_t vclock;
static struct callout *pending_head; /* armed callouts, unsorted */
static unsigned long callout_seq;

void binuptime(struct bintime *bt)
{
	*bt = sbttobt(vclock);
}

void getbinuptime(struct bintime *bt)
{
	binuptime(bt);
}

sbintime_t sbinuptime(void)
{
	return vclock;
}

sbintime_t getsbinuptime(void)
{
	return vclock;
}

sbintime_t vlf_kern_clock_now(void)
{
	return vclock;
}

static void callout_unlink(struct callout *c)
{
	struct callout **pp;

	for (pp = &pending_head; *pp != NULL; pp = &(*pp)->c_next) {
		if (*pp == c) {
			*pp = c->c_next;
			c->c_next = NULL;
			return;
		}
	}
}

void callout_init(struct callout *c, int mpsafe)
{
	for (struct callout *p = pending_head; p != NULL; p = p->c_next)
		if (p == c)
			panic("callout_init: callout %p is still armed", (void *)c);
	memset(c, 0, sizeof(*c));
	if (mpsafe)
		c->c_iflags |= VLF_CALLOUT_MPSAFE;
}

void callout_init_mtx(struct callout *c, struct mtx *m, int flags)
{
	callout_init(c, 0);
	c->c_lock = m;
	(void)flags;
}

int callout_reset_sbt(struct callout *c, sbintime_t sbt, sbintime_t prec, void (*fn)(void *),
                      void *arg, int flags)
{
	int was_pending = callout_pending(c);

	(void)prec;
	if (c->c_lock != NULL)
		vlf_mtx_assert(c->c_lock, MA_OWNED, __FILE__, __LINE__);
	if (was_pending)
		callout_unlink(c);
	if (flags & C_ABSOLUTE)
		c->c_time = sbt;
	else
		c->c_time = (sbt > SBT_MAX - vclock) ? SBT_MAX : vclock + sbt;
	c->c_func = fn;
	c->c_arg = arg;
	c->c_seq = ++callout_seq;
	c->c_flags |= VLF_CALLOUT_ACTIVE | VLF_CALLOUT_PENDING;
	c->c_next = pending_head;
	pending_head = c;
	return was_pending;
}

int callout_reset(struct callout *c, int nticks, void (*fn)(void *), void *arg)
{
	return callout_reset_sbt(c, (sbintime_t)nticks * (SBT_1S / hz), 0, fn, arg, 0);
}

int callout_stop(struct callout *c)
{
	int was_pending = callout_pending(c);

	if (was_pending)
		callout_unlink(c);
	c->c_flags &= ~(VLF_CALLOUT_ACTIVE | VLF_CALLOUT_PENDING);
	return was_pending;
}

int callout_drain(struct callout *c)
{
	return callout_stop(c);
}

static struct callout *callout_earliest(void)
{
	struct callout *c, *best = NULL;

	for (c = pending_head; c != NULL; c = c->c_next) {
		if (best == NULL || c->c_time < best->c_time ||
		    (c->c_time == best->c_time && c->c_seq < best->c_seq))
			best = c;
	}
	return best;
}

sbintime_t vlf_kern_next_callout(void)
{
	struct callout *c = callout_earliest();

	return c != NULL ? c->c_time : -1;
}

int vlf_kern_callouts_armed(void)
{
	int n = 0;

	for (struct callout *c = pending_head; c != NULL; c = c->c_next)
		n++;
	return n;
}

void vlf_kern_clock_advance(sbintime_t delta)
{
	sbintime_t target;
	struct callout *c;

	if (delta < 0)
		panic("vlf_kern_clock_advance: negative delta");
	if (vlf_critical_depth() != 0)
		panic("vlf_kern_clock_advance: called inside a critical section");
	target = (delta > SBT_MAX - vclock) ? SBT_MAX : vclock + delta;
	while ((c = callout_earliest()) != NULL && c->c_time <= target) {
		if (c->c_time > vclock)
			vclock = c->c_time;
		callout_unlink(c);
		c->c_flags &= ~VLF_CALLOUT_PENDING;
		if (c->c_lock != NULL)
			vlf_mtx_lock(c->c_lock, (c->c_lock->lock_object.lo_flags & MTX_SPIN) != 0,
			             __FILE__, __LINE__);
		c->c_func(c->c_arg);
		if (c->c_lock != NULL)
			vlf_mtx_unlock(c->c_lock, (c->c_lock->lock_object.lo_flags & MTX_SPIN) != 0,
			               __FILE__, __LINE__);
		if (vlf_critical_depth() != 0)
			panic("callout %p returned inside a critical section", (void *)c);
	}
	vclock = target;
	ticks = (int)(vclock / (SBT_1S / hz));
}

void vlf_kern_clock_reset(void)
{
	struct callout *c;

	while ((c = pending_head) != NULL) {
		pending_head = c->c_next;
		c->c_next = NULL;
		c->c_flags &= ~(VLF_CALLOUT_ACTIVE | VLF_CALLOUT_PENDING);
	}
	vclock = 0;
	ticks = 0;
	callout_seq = 0;
}

/* ------------------------------------------------------------------------ */
/* KTR                                                                        */

void (*vlf_ktr_hook)(void *ctx, const char *line);
void *vlf_ktr_hook_ctx;

void vlf_ktr(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (vlf_ktr_hook == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	vlf_ktr_hook(vlf_ktr_hook_ctx, buf);
}

/* ------------------------------------------------------------------------ */
/* Per-CPU data, IPIs, privileged instructions, host identification          */

struct pcpu __pcpu[1];
static int ipi_count;

void ipi_cpu(int cpu, u_int ipi)
{
	(void)cpu;
	(void)ipi;
	ipi_count++;
}

void ipi_selected(cpuset_t cpus, u_int ipi)
{
	(void)cpus;
	(void)ipi;
	ipi_count++;
}

void smp_no_rendezvous_barrier(void *arg)
{
	(void)arg;
}

void smp_rendezvous(void (*setup)(void *), void (*action)(void *), void (*teardown)(void *),
                    void *arg)
{
	if (setup != NULL && setup != smp_no_rendezvous_barrier)
		setup(arg);
	if (action != NULL && action != smp_no_rendezvous_barrier)
		action(arg);
	if (teardown != NULL && teardown != smp_no_rendezvous_barrier)
		teardown(arg);
}

int vlf_ipi_count(void)
{
	return ipi_count;
}

uint64_t vlf_priv_rdmsr(u_int msr)
{
	(void)msr;
	return 0;
}

void vlf_priv_wrmsr(u_int msr, uint64_t val)
{
	(void)msr;
	(void)val;
}

vm_paddr_t vtophys(const void *va)
{
	return (vm_paddr_t)(uintptr_t)va;
}

u_int cpu_feature, cpu_feature2, amd_feature, amd_feature2, cpu_high, cpu_exthigh, cpu_id,
    cpu_procinfo, cpu_procinfo2, cpu_stdext_feature, cpu_stdext_feature2, cpu_stdext_feature3,
    cpu_vendor_id, amd_extended_feature_extensions, cpu_mxcsr_mask, cpu_max_ext_state_size,
    tsc_is_invariant;
char cpu_vendor[20] = "AuthenticAMD";
uint64_t tsc_freq = 1000000000;
int vm_guest;
