// SPDX-License-Identifier: GPL-2.0
/*
 * exec - run one test process with its output captured and a timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "runner.h"

/* Seconds between SIGTERM and SIGKILL for a test that timed out. */
#define PROC_KILL_GRACE_S	2.0
/* How long the pipes are drained after the process group is gone. */
#define PROC_DRAIN_S		1.0
/* Longest sleep between checks for the process' exit. */
#define PROC_POLL_MS		100
/* Output kept per stream; the rest is dropped with a note. */
#define PROC_MAX_CAPTURE	(8u << 20)

/* Set from a signal handler: accessed with atomics only. */
static int proc_stop_signal;

static void proc_on_signal(int sig)
{
	__atomic_store_n(&proc_stop_signal, sig, __ATOMIC_RELAXED);
}

void proc_stop_on_signals(void)
{
	/* No SA_RESTART: poll() returns with EINTR and the loop notices. */
	struct sigaction sa = { .sa_handler = proc_on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool proc_stopped(void)
{
	return __atomic_load_n(&proc_stop_signal, __ATOMIC_RELAXED);
}

double now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double now_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void proc_result_free(struct proc_result *res)
{
	sb_free(&res->out);
	sb_free(&res->err);
}

static __igt_noreturn void proc_child(char *const argv[], int out, int err)
{
	sigset_t none;
	int null;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);

	null = open("/dev/null", O_RDONLY);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);

	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "igt-run: cannot execute %s: %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

/* Read what is available on *@fd into @sb; close it at EOF. */
static void proc_read(int *fd, struct strbuf *sb, bool *truncated)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(*fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			return;
		}
		if (sb->len + n <= PROC_MAX_CAPTURE) {
			sb_add(sb, buf, n);
		} else if (!*truncated) {
			*truncated = true;
			sb_adds(sb, "\n[igt-run: output truncated]\n");
		}
	}
}

/*
 * Wait up to @ms for output or for the process' exit (@pidfd readable),
 * reading whatever output arrives.
 */
static void proc_pump(int fds[2], int pidfd, struct proc_result *res, int ms,
		      bool truncated[2])
{
	struct pollfd pfd[3];
	int n = 0, i;

	for (i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		pfd[n].fd = fds[i];
		pfd[n].events = POLLIN;
		n++;
	}
	if (pidfd >= 0) {
		pfd[n].fd = pidfd;
		pfd[n].events = POLLIN;
		n++;
	}
	if (poll(pfd, n, ms) <= 0)
		return;
	if (fds[0] >= 0)
		proc_read(&fds[0], &res->out, &truncated[0]);
	if (fds[1] >= 0)
		proc_read(&fds[1], &res->err, &truncated[1]);
}

/* Has @pid exited? Checked without reaping, so its pgid stays reserved. */
static bool proc_exited(pid_t pid)
{
	siginfo_t info = { };

	if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return info.si_pid == pid;
}

static int proc_ms_until(double deadline)
{
	double left = deadline - now_monotonic();

	if (left <= 0)
		return 0;
	if (left * 1000 > PROC_POLL_MS)
		return PROC_POLL_MS;
	return (int)(left * 1000) + 1;
}

int proc_run(char *const argv[], unsigned int timeout_s,
	     struct proc_result *res)
{
	int out[2], err[2], fds[2];
	bool truncated[2] = { };
	double start, deadline;
	bool term_sent = false;
	int pidfd;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return -errno;
	}

	fflush(NULL);
	start = now_monotonic();
	pid = fork();
	if (pid < 0) {
		int ret = -errno;

		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		return ret;
	}
	if (pid == 0)
		proc_child(argv, out[1], err[1]);

	setpgid(pid, pid);	/* also done by the child: no race */
	res->started = true;
	close(out[1]);
	close(err[1]);
	fds[0] = out[0];
	fds[1] = err[0];
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	/* Readable when the process exits; without it, poll every 100ms. */
	pidfd = syscall(SYS_pidfd_open, pid, 0);

	deadline = timeout_s ? start + timeout_s : 0;
	while (!proc_exited(pid)) {
		if (proc_stopped() && !res->interrupted) {
			res->interrupted = true;
			kill(-pid, SIGKILL);
		}
		if (deadline && now_monotonic() >= deadline) {
			if (!term_sent) {
				res->timed_out = true;
				kill(-pid, SIGTERM);
				term_sent = true;
				deadline = now_monotonic() +
					   PROC_KILL_GRACE_S;
			} else {
				kill(-pid, SIGKILL);
				deadline = 0;
			}
		}
		proc_pump(fds, pidfd, res, deadline ? proc_ms_until(deadline)
						    : PROC_POLL_MS, truncated);
	}
	if (pidfd >= 0)
		close(pidfd);
	res->elapsed = now_monotonic() - start;

	/* Leftovers of the test would keep the pipes open: end them. */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;

	deadline = now_monotonic() + PROC_DRAIN_S;
	while ((fds[0] >= 0 || fds[1] >= 0) && now_monotonic() < deadline)
		proc_pump(fds, -1, res, proc_ms_until(deadline), truncated);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return 0;
}
