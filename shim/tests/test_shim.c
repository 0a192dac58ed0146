/*
 * vlapic-fuzz: unit tests of the kernel-API shim's primitives.  Failures that
 * must abort (KASSERT, panic, lock misuse, unbalanced critical sections) run
 * in a forked child whose stderr is captured and checked.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mutex.h>
#include <sys/callout.h>
#include <sys/smp.h>
#include <sys/ktr.h>

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int vlf_headers_alone(void);
int vlf_headers_after_libc(void);

static int failures, checks;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			fprintf(stderr, "%s:%d: FAILED %s: ", __FILE__, __LINE__, #cond);          \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
		}                                                                                  \
	} while (0)

/* --- death tests ---------------------------------------------------------- */

/* Runs fn in a child; true if it aborted and its stderr contains needle. */
static int dies_with(void (*fn)(void), const char *needle)
{
	int fds[2], status;
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) != 0)
		return 0;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		signal(SIGABRT, SIG_DFL);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (len < sizeof(buf) - 1 && (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT) {
		fprintf(stderr, "  child did not abort (status %#x), stderr: %s\n", status, buf);
		return 0;
	}
	if (strstr(buf, needle) == NULL) {
		fprintf(stderr, "  child aborted without \"%s\", stderr: %s\n", needle, buf);
		return 0;
	}
	return 1;
}

static struct mtx spin, sleepm, recm;

static void init_locks(void)
{
	mtx_init(&spin, "test spin", NULL, MTX_SPIN);
	mtx_init(&sleepm, "test sleep", NULL, MTX_DEF);
	mtx_init(&recm, "test recursive", NULL, MTX_SPIN | MTX_RECURSE);
}

static void d_kassert(void)
{
	int value = 42;

	KASSERT(value == 41, ("value is %d", value));
}
static void d_panic(void)
{
	panic("boom %d", 7);
}
static void d_spin_recursion(void)
{
	init_locks();
	mtx_lock_spin(&spin);
	mtx_lock_spin(&spin);
}
static void d_unlock_unowned(void)
{
	init_locks();
	mtx_unlock_spin(&spin);
}
static void *unlock_from_other_thread(void *arg)
{
	(void)arg;
	mtx_unlock_spin(&spin);
	return NULL;
}
static void d_unlock_other_thread(void)
{
	pthread_t th;

	init_locks();
	mtx_lock_spin(&spin);
	pthread_create(&th, NULL, unlock_from_other_thread, NULL);
	pthread_join(th, NULL);
}
static void d_assert_owned(void)
{
	init_locks();
	mtx_assert(&spin, MA_OWNED);
}
static void d_assert_notowned(void)
{
	init_locks();
	mtx_lock_spin(&spin);
	mtx_assert(&spin, MA_NOTOWNED);
}
static void d_spin_op_on_sleep_mutex(void)
{
	init_locks();
	mtx_lock_spin(&sleepm);
}
static void d_sleep_mutex_in_critical(void)
{
	init_locks();
	critical_enter();
	mtx_lock(&sleepm);
}
static void d_critical_underflow(void)
{
	critical_exit();
}
static void d_uninitialised_mutex(void)
{
	struct mtx m;

	memset(&m, 0, sizeof(m));
	mtx_lock_spin(&m);
}
static void d_destroy_held(void)
{
	init_locks();
	mtx_lock_spin(&spin);
	mtx_destroy(&spin);
}

static struct callout armed;
static void nop_fn(void *arg)
{
	(void)arg;
}
static void d_reinit_armed_callout(void)
{
	callout_init(&armed, 1);
	callout_reset_sbt(&armed, SBT_1S, 0, nop_fn, NULL, 0);
	callout_init(&armed, 1);
}

static void test_deaths(void)
{
	CHECK(dies_with(d_reinit_armed_callout, "still armed"), "re-init of an armed callout");
	CHECK(dies_with(d_kassert, "value is 42"), "KASSERT prints its message and aborts");
	CHECK(dies_with(d_panic, "panic: boom 7"), "panic prints and aborts");
	CHECK(dies_with(d_spin_recursion, "recursion on non-recursive"), "spin recursion");
	CHECK(dies_with(d_unlock_unowned, "not owned"), "unlock of an unowned mutex");
	CHECK(dies_with(d_unlock_other_thread, "not owned"), "unlock by a non-owner thread");
	CHECK(dies_with(d_assert_owned, "not owned"), "mtx_assert(MA_OWNED) fails");
	CHECK(dies_with(d_assert_notowned, "owned"), "mtx_assert(MA_NOTOWNED) fails");
	CHECK(dies_with(d_spin_op_on_sleep_mutex, "mtx_lock_spin on a sleep mutex"),
	      "spin operation on a sleep mutex");
	CHECK(dies_with(d_sleep_mutex_in_critical, "critical section"),
	      "blockable mutex in a critical section");
	CHECK(dies_with(d_critical_underflow, "critical_exit"), "unbalanced critical_exit");
	CHECK(dies_with(d_uninitialised_mutex, "uninitialised"), "lock of an uninitialised mutex");
	CHECK(dies_with(d_destroy_held, "destroyed while held"), "destroy of a held mutex");
}

/* --- locks and critical sections that must work ---------------------------- */

static void test_locks(void)
{
	int passed = 1;

	init_locks();
	KASSERT(passed, ("a true KASSERT does not fire"));
	CHECK(vlf_critical_depth() == 0, "starts outside critical sections");
	critical_enter();
	critical_enter();
	CHECK(vlf_critical_depth() == 2, "critical sections nest");
	critical_exit();
	critical_exit();
	CHECK(vlf_critical_depth() == 0, "and unwind");

	mtx_lock_spin(&spin);
	CHECK(mtx_owned(&spin), "owned after lock");
	CHECK(vlf_critical_depth() == 1, "a spin lock holds a critical section");
	mtx_assert(&spin, MA_OWNED | MA_NOTRECURSED);
	mtx_unlock_spin(&spin);
	CHECK(!mtx_owned(&spin) && vlf_critical_depth() == 0, "released");

	mtx_lock_spin(&recm);
	mtx_lock_spin(&recm);
	mtx_assert(&recm, MA_OWNED | MA_RECURSED);
	mtx_unlock_spin(&recm);
	CHECK(mtx_owned(&recm), "still owned after one unlock of two");
	mtx_unlock_spin(&recm);
	CHECK(!mtx_owned(&recm), "released after the second");

	mtx_lock(&sleepm);
	mtx_unlock(&sleepm);
	CHECK(mtx_trylock(&sleepm) == 1 && mtx_owned(&sleepm), "trylock of a free mutex");
	mtx_unlock(&sleepm);
	mtx_destroy(&sleepm);
	CHECK(!mtx_initialized(&sleepm), "destroyed");
}

/* --- virtual clock and callouts --------------------------------------------- */

static int fired[4];
static sbintime_t fired_at[4];
static struct callout periodic;
static int periodic_count;

static void on_fire(void *arg)
{
	int i = (int)(intptr_t)arg;

	fired[i]++;
	fired_at[i] = sbinuptime();
}

static void on_periodic(void *arg)
{
	(void)arg;
	periodic_count++;
	if (periodic_count < 5)
		callout_reset_sbt(&periodic, 10 * SBT_1US, 0, on_periodic, NULL, 0);
}

static void test_callouts(void)
{
	struct callout a, b, c;
	struct bintime bt;

	vlf_kern_clock_reset();
	CHECK(sbinuptime() == 0, "clock starts at 0");
	callout_init(&a, 1);
	callout_init(&b, 1);
	callout_init(&c, 1);
	CHECK(!callout_active(&a) && !callout_pending(&a), "fresh callout idle");

	callout_reset_sbt(&a, 1000 * SBT_1NS, 0, on_fire, (void *)0, 0);
	callout_reset_sbt(&b, 500 * SBT_1NS, 0, on_fire, (void *)1, 0);
	CHECK(callout_active(&a) && callout_pending(&a), "armed callout active+pending");
	CHECK(vlf_kern_callouts_armed() == 2, "two armed");
	CHECK(vlf_kern_next_callout() == 500 * SBT_1NS, "next due is b");

	vlf_kern_clock_advance(499 * SBT_1NS);
	CHECK(fired[0] == 0 && fired[1] == 0, "nothing before its time");
	vlf_kern_clock_advance(1 * SBT_1NS);
	CHECK(fired[1] == 1 && fired[0] == 0, "b fires exactly at 500ns");
	CHECK(fired_at[1] == 500 * SBT_1NS, "clock reads the expiry inside the handler");
	CHECK(!callout_pending(&b) && callout_active(&b), "fired: not pending, still active");

	/* re-arming replaces the earlier expiry */
	callout_reset_sbt(&a, 2000 * SBT_1NS, 0, on_fire, (void *)0, 0);
	vlf_kern_clock_advance(1000 * SBT_1NS);
	CHECK(fired[0] == 0, "re-armed callout did not fire at its old time");
	vlf_kern_clock_advance(1000 * SBT_1NS);
	CHECK(fired[0] == 1, "fires at its new time");

	/* stop */
	callout_reset_sbt(&c, 10 * SBT_1NS, 0, on_fire, (void *)2, 0);
	CHECK(callout_stop(&c) == 1, "stop of a pending callout reports it");
	vlf_kern_clock_advance(SBT_1MS);
	CHECK(fired[2] == 0 && !callout_active(&c), "stopped callout never fires");

	/* absolute time, and a callout re-arming itself (the vLAPIC's periodic timer) */
	callout_reset_sbt(&c, sbinuptime() + 5 * SBT_1NS, 0, on_fire, (void *)3, C_ABSOLUTE);
	callout_init(&periodic, 1);
	callout_reset_sbt(&periodic, 10 * SBT_1US, 0, on_periodic, NULL, 0);
	vlf_kern_clock_advance(SBT_1MS);
	CHECK(fired[3] == 1, "absolute expiry");
	CHECK(periodic_count == 5, "self re-arming callout ran 5 times in one advance (%d)",
	      periodic_count);

	/* reset forgets everything */
	callout_reset_sbt(&a, SBT_1S, 0, on_fire, (void *)0, 0);
	vlf_kern_clock_reset();
	CHECK(!callout_pending(&a) && !callout_active(&a), "reset disarms");
	CHECK(vlf_kern_callouts_armed() == 0 && sbinuptime() == 0, "reset: clock 0, none armed");
	vlf_kern_clock_advance(2 * SBT_1S);
	CHECK(fired[0] == 1, "a disarmed callout stays silent");
	binuptime(&bt);
	CHECK(bt.sec == 2 && bt.frac == 0, "binuptime follows the virtual clock");
	vlf_kern_clock_reset();
}

/* --- time arithmetic ---------------------------------------------------------- */

static void test_time(void)
{
	struct bintime bt, one = {1, 0}, half = {0, 1ull << 63};
	sbintime_t sbt = 3 * SBT_1S + SBT_1S / 4;

	bt = sbttobt(sbt);
	CHECK(bt.sec == 3 && bt.frac == 1ull << 62, "sbttobt");
	CHECK(bttosbt(bt) == sbt, "bttosbt round trip");
	bt = half;
	bintime_add(&bt, &half);
	CHECK(bt.sec == 1 && bt.frac == 0, "bintime_add carries");
	bintime_sub(&bt, &half);
	CHECK(bt.sec == 0 && bt.frac == 1ull << 63, "bintime_sub borrows");
	bt = half;
	bintime_mul(&bt, 5);
	CHECK(bt.sec == 2 && bt.frac == 1ull << 63, "bintime_mul: 0.5 * 5 = 2.5");
	CHECK(bintime_cmp(&one, &half, >) && !bintime_cmp(&one, &half, <), "bintime_cmp");
	FREQ2BT(128 * 1024 * 1024, &bt);
	CHECK(bt.sec == 0 && bt.frac == 1ull << 37, "FREQ2BT(2^27 Hz) is 2^-27 s");
	CHECK(BT2FREQ(&bt) == 128 * 1024 * 1024, "BT2FREQ inverts it");
	FREQ2BT(3, &bt);
	CHECK(BT2FREQ(&bt) == 3, "BT2FREQ(FREQ2BT(3)) == 3");
	CHECK(nstosbt(1000000000) == SBT_1S, "nstosbt");
	CHECK(sbttons(SBT_1S / 2) == 500000000, "sbttons");
}

/* --- malloc, cpuset, atomics, bits, KTR ----------------------------------- */

static int ktr_lines;
static char ktr_last[256];

static void ktr_hook(void *ctx, const char *line)
{
	(void)ctx;
	ktr_lines++;
	snprintf(ktr_last, sizeof(ktr_last), "%s", line);
}

static void test_misc(void)
{
	long live = vlf_kmalloc_live();
	unsigned char *p, *q;
	cpuset_t s, t;
	volatile u_int w = 0;
	int zero = 1;

	p = malloc(100, M_TEMP, M_WAITOK | M_ZERO);
	q = malloc(3 * PAGE_SIZE, M_TEMP, M_WAITOK | M_ZERO);
	for (int i = 0; i < 100; i++)
		zero &= p[i] == 0;
	for (int i = 0; i < 3 * PAGE_SIZE; i++)
		zero &= q[i] == 0;
	CHECK(zero, "M_ZERO zeroes");
	CHECK(((uintptr_t)q & PAGE_MASK) == 0, "page-sized allocations are page aligned");
	CHECK(vlf_kmalloc_live() == live + 2, "live count");
	free(p, M_TEMP);
	free(q, M_TEMP);
	CHECK(vlf_kmalloc_live() == live, "free balances");

	CPU_ZERO(&s);
	CHECK(CPU_EMPTY(&s) && CPU_FFS(&s) == 0, "empty set");
	CPU_SET(2, &s);
	CPU_SET(130, &s);
	CHECK(CPU_ISSET(2, &s) && CPU_ISSET(130, &s) && !CPU_ISSET(3, &s), "set/isset");
	CHECK(CPU_COUNT(&s) == 2 && CPU_FFS(&s) == 3, "count/ffs (1-based)");
	CPU_SETOF(130, &t);
	CPU_AND(&t, &s);
	CHECK(CPU_COUNT(&t) == 1 && CPU_ISSET(130, &t), "and");
	CPU_CLR(2, &s);
	CHECK(!CPU_CMP(&s, &t), "clr/cmp");
	CPU_SET_ATOMIC(5, &s);
	CPU_CLR_ATOMIC(130, &s);
	CHECK(CPU_ISSET(5, &s) && !CPU_ISSET(130, &s), "atomic set/clr");

	atomic_set_int(&w, 0x81);
	atomic_clear_int(&w, 0x01);
	CHECK(atomic_load_acq_int(&w) == 0x80, "set/clear");
	CHECK(atomic_cmpset_int(&w, 0x80, 0x7) && w == 0x7, "cmpset succeeds");
	CHECK(!atomic_cmpset_int(&w, 0x80, 0x9) && w == 0x7, "cmpset fails");
	CHECK(atomic_readandclear_int(&w) == 0x7 && w == 0, "readandclear");
	CHECK(!atomic_testandset_int(&w, 31) && w == 0x80000000u, "testandset bit 31");

	CHECK(fls(0) == 0 && fls(1) == 1 && fls((int)0x80000000u) == 32, "fls");
	CHECK(flsl(1L << 40) == 41, "flsl");

	vlf_ktr_hook = ktr_hook;
	CTR2(KTR_GEN, "vm %s[%d]: hello", "t", 3);
	vlf_ktr_hook = NULL;
	CTR0(KTR_GEN, "not seen");
	CHECK(ktr_lines == 1 && strcmp(ktr_last, "vm t[3]: hello") == 0, "KTR hook (%s)", ktr_last);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	CHECK(vlf_headers_alone() == 0, "header TU");
	CHECK(vlf_headers_after_libc() == 0, "header TU after libc");
	test_deaths();
	test_locks();
	test_callouts();
	test_time();
	test_misc();
	if (failures) {
		fprintf(stderr, "%d of %d shim checks failed\n", failures, checks);
		return 1;
	}
	printf("all %d shim checks passed\n", checks);
	return 0;
}
