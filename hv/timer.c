/* timer.c: the --timeout wall clock.  SIGALRM from setitimer() sets
 * immediate_exit in the shared kvm_run page and interrupts KVM_RUN with
 * EINTR (a guest spinning with interrupts off, or halted forever, never
 * exits on its own).  Setting immediate_exit first closes the race with
 * a signal that lands while hv is in userspace between two KVM_RUNs. */
#include "hv.h"

#include <signal.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t timer_fired;
static struct kvm_run *volatile timer_run;

static void timer_signal(int sig)
{
	(void)sig;
	timer_fired = 1;
	if (timer_run)
		timer_run->immediate_exit = 1;
}

int timer__expired(void)
{
	return timer_fired;
}

/* No SA_RESTART: the ioctl must come back with EINTR. */
int timer__start(struct hv *hv)
{
	struct sigaction sa;
	struct itimerval it = { 0 };
	double t = hv->opt.timeout;

	if (t <= 0)
		return 0;
	timer_run = hv->run;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = timer_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return -1;
	it.it_value.tv_sec = (time_t)t;
	it.it_value.tv_usec = (suseconds_t)((t - (double)(time_t)t) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	return setitimer(ITIMER_REAL, &it, NULL);
}

/* Issue 14: the vCPU's kvm_run page moved (hv/rebind.c replaced the
 * vCPU); the signal must stop the new one. */
void timer__set_run(struct kvm_run *run)
{
	if (timer_run)
		timer_run = run;
}
