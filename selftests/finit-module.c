// SPDX-License-Identifier: GPL-2.0
/*
 * finit-module FILE: load a kernel module with one finit_module() call and
 * exit with the kernel's errno (0 on success), printing it; 125 on a usage
 * or open error.  busybox's
 * insmod and modprobe retry a failed finit_module() with init_module(), so
 * a load that failed once is reported as a success; slab-static-faults.sh
 * needs the first attempt's verdict.  Built statically by scripts/boot
 * (selftests/programs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: finit-module FILE\n");
		return 125;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "finit-module: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	if (err)
		fprintf(stderr, "finit-module: %s: %s\n", argv[1], strerror(err));
	return err;
}
