// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of scripts/bench-static: system call loops that allocate
 * from the caches the series makes static, timed per round.
 *
 *   open   open() + close() of a file on tmpfs: names_cache (getname), filp
 *   proc   open() + read() + close() of /proc/version: names_cache, filp,
 *          seq_file
 *   pipe   pipe() + close() + close(): inode_cache (pipefs), dentry, filp
 *   fork   fork() + _exit() + waitpid(): task_struct, signal_cache,
 *          sighand_cache, files_cache, fs_cache, mm_struct, vm_area_struct,
 *          vma_lock
 *
 * Usage: static-e2e ROUNDS MSEC
 * Each round runs every loop in turn (the order rotating from round to
 * round) for at least MSEC milliseconds and prints
 * "e2e LOOP ROUND NS_PER_OP".  Built static (gcc -static) by
 * scripts/bench-static, so that it runs in the busybox initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char tmpfile_path[] = "/tmp/static-e2e.file";

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "static-e2e: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void op_open(void)
{
	int fd = open(tmpfile_path, O_RDONLY);

	if (fd < 0)
		die("open");
	close(fd);
}

static void op_proc(void)
{
	char buf[256];
	int fd = open("/proc/version", O_RDONLY);

	if (fd < 0)
		die("open /proc/version");
	if (read(fd, buf, sizeof(buf)) <= 0)
		die("read /proc/version");
	close(fd);
}

static void op_pipe(void)
{
	int fds[2];

	if (pipe(fds))
		die("pipe");
	close(fds[0]);
	close(fds[1]);
}

static void op_fork(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
}

static const struct loop {
	const char *name;
	void (*op)(void);
} loops[] = {
	{ "open", op_open },
	{ "proc", op_proc },
	{ "pipe", op_pipe },
	{ "fork", op_fork },
};

/* Run @l for at least @msec ms, in batches; return ns per operation. */
static double run(const struct loop *l, long msec)
{
	double start = now_ns(), end = start + msec * 1e6, t;
	long n = 0, i;

	do {
		for (i = 0; i < 16; i++)
			l->op();
		n += 16;
		t = now_ns();
	} while (t < end);
	return (t - start) / n;
}

int main(int argc, char **argv)
{
	const size_t nloops = sizeof(loops) / sizeof(loops[0]);
	long rounds, msec, r;
	size_t i;
	int fd;

	if (argc != 3 || (rounds = atol(argv[1])) <= 0 ||
	    (msec = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: static-e2e ROUNDS MSEC\n");
		return 2;
	}
	fd = open(tmpfile_path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		die("create the test file");
	close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* A warm-up round that is not reported. */
	for (i = 0; i < nloops; i++)
		run(&loops[i], msec / 4 + 1);
	for (r = 1; r <= rounds; r++) {
		/* Rotate the order, so no loop always runs first. */
		for (i = 0; i < nloops; i++) {
			const struct loop *l = &loops[(i + r) % nloops];

			printf("e2e %s %ld %.1f\n", l->name, r, run(l, msec));
		}
	}
	unlink(tmpfile_path);
	return 0;
}
