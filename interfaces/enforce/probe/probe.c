/*
 * probe: one operation on POSIX shared memory, a semaphore or a path, with
 * the real C library. It prints "ok", or the name of the errno, and exits
 * 0 when the operation succeeded, 1 when it failed and 2 on bad usage.
 * Objects are created with mode 0666 whatever the umask, so that file
 * permissions let every user in and only AppArmor decides.
 *
 * "probe serve" does the same for each request on its standard input, a
 * resident step of sandbox/uml (see steps.c there): a request is the
 * number of arguments and the arguments, each NUL-terminated; the reply is
 * "STATUS LENGTH\n" and the LENGTH bytes that the operation would print.
 * Each operation closes what it opened.
 *
 *   shm-open NAME ro|rw   shm_open for reading, or for reading and writing
 *   shm-create NAME       shm_open(O_CREAT|O_EXCL|O_RDWR), then ftruncate
 *   shm-map NAME          shm_open(O_RDWR), mmap(PROT_WRITE, MAP_SHARED), write
 *   shm-map-ro NAME       shm_open(O_RDONLY), mmap(PROT_READ, MAP_SHARED), read
 *   shm-lock NAME         shm_open(O_RDWR), then a write lock (fcntl F_SETLK)
 *   shm-exec NAME         shm_open(O_RDONLY), then mmap(PROT_EXEC, MAP_SHARED)
 *   shm-unlink NAME       shm_unlink
 *   sem-create NAME       sem_open(O_CREAT|O_EXCL, 0666, 0)
 *   sem-open NAME         sem_open of an existing semaphore
 *   sem-post NAME         sem_open, then sem_post
 *   sem-wait NAME         sem_open, then sem_timedwait for up to 5 seconds
 *   sem-unlink NAME       sem_unlink
 *   open PATH ro|rw|create  open(2); create is O_CREAT|O_EXCL|O_RDWR
 *   mkdir PATH            mkdir(2)
 *   link OLD NEW          link(2)
 *   exists PATH           lstat(2)
 *   bind SOURCE TARGET    create SOURCE as a directory of mode 01777 if it
 *                         is missing, then bind mount it on TARGET, as
 *                         snap-update-ns does for a private /dev/shm
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SIZE 4096

static int shm_rw(const char *name) { return shm_open(name, O_RDWR, 0); }

static int sem_wait5(sem_t *sem)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	return sem_timedwait(sem, &deadline);
}

/* sem_then runs then, if any, on a semaphore sem_open returned, and closes it. */
static int sem_then(sem_t *sem, int (*then)(sem_t *))
{
	int rc, saved;

	if (sem == SEM_FAILED)
		return -1;
	rc = then ? then(sem) : 0;
	saved = errno;
	sem_close(sem);
	errno = saved;
	return rc;
}

static int op(int argc, char **argv)
{
	const char *cmd = argv[1], *arg = argv[2];
	int fd;

	if (!strcmp(cmd, "shm-open") && argc == 4)
		return shm_open(arg, strcmp(argv[3], "rw") ? O_RDONLY : O_RDWR, 0) < 0 ? -1 : 0;
	if (!strcmp(cmd, "shm-create") && argc == 3)
		return (fd = shm_open(arg, O_CREAT | O_EXCL | O_RDWR, 0666)) < 0 ? -1 : ftruncate(fd, SIZE);
	if (!strcmp(cmd, "shm-map") && argc == 3) {
		char *mem;
		if ((fd = shm_rw(arg)) < 0 || ftruncate(fd, SIZE) < 0)
			return -1;
		mem = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (mem == MAP_FAILED)
			return -1;
		mem[0] = 'x';
		return munmap(mem, SIZE);
	}
	if (!strcmp(cmd, "shm-map-ro") && argc == 3) {
		volatile char *mem;
		if ((fd = shm_open(arg, O_RDONLY, 0)) < 0)
			return -1;
		mem = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
		if (mem == MAP_FAILED)
			return -1;
		(void)mem[0];
		return munmap((void *)mem, SIZE);
	}
	if (!strcmp(cmd, "shm-lock") && argc == 3) {
		struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		return (fd = shm_rw(arg)) < 0 ? -1 : fcntl(fd, F_SETLK, &lock);
	}
	if (!strcmp(cmd, "shm-exec") && argc == 3)
		return (fd = shm_open(arg, O_RDONLY, 0)) < 0 || mmap(NULL, SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0;
	if (!strcmp(cmd, "shm-unlink") && argc == 3)
		return shm_unlink(arg);
	if (!strcmp(cmd, "sem-create") && argc == 3)
		return sem_then(sem_open(arg, O_CREAT | O_EXCL, 0666, 0), NULL);
	if (!strcmp(cmd, "sem-open") && argc == 3)
		return sem_then(sem_open(arg, 0), NULL);
	if (!strcmp(cmd, "sem-post") && argc == 3)
		return sem_then(sem_open(arg, 0), sem_post);
	if (!strcmp(cmd, "sem-wait") && argc == 3)
		return sem_then(sem_open(arg, 0), sem_wait5);
	if (!strcmp(cmd, "sem-unlink") && argc == 3)
		return sem_unlink(arg);
	if (!strcmp(cmd, "open") && argc == 4) {
		int flags = !strcmp(argv[3], "ro") ? O_RDONLY : !strcmp(argv[3], "rw") ? O_RDWR : O_CREAT | O_EXCL | O_RDWR;
		return open(arg, flags | O_NOFOLLOW, 0666) < 0 ? -1 : 0;
	}
	if (!strcmp(cmd, "mkdir") && argc == 3)
		return mkdir(arg, 0777);
	if (!strcmp(cmd, "link") && argc == 4)
		return link(arg, argv[3]);
	if (!strcmp(cmd, "exists") && argc == 3) {
		struct stat st;
		return lstat(arg, &st);
	}
	if (!strcmp(cmd, "bind") && argc == 4) {
		if (mkdir(arg, 01777) == 0) {
			if (chmod(arg, 01777) < 0)
				return -1;
		} else if (errno != EEXIST)
			return -1;
		return mount(arg, argv[3], NULL, MS_BIND, NULL);
	}
	errno = 0;
	return -2;
}

/* run does one operation and writes what it prints into text; it returns
 * the exit status. */
static int run(int argc, char **argv, char *text, size_t size)
{
	int rc = argc >= 3 ? op(argc, argv) : -2;

	if (rc == -2) {
		snprintf(text, size, "usage: probe OPERATION ARGS... (see probe.c)\n");
		return 2;
	}
	snprintf(text, size, "%s\n", rc < 0 ? strerrorname_np(errno) : "ok");
	return rc < 0 ? 1 : 0;
}

static int serve(void)
{
	char *args[8], *field = NULL, text[256];
	size_t size = 0;
	int n, status;

	while (getdelim(&field, &size, 0, stdin) > 0) {
		n = atoi(field);
		args[0] = "probe";
		for (int i = 1; i <= n; i++) {
			if (i >= 8 || getdelim(&field, &size, 0, stdin) <= 0)
				return 2;
			args[i] = strdup(field);
		}
		status = run(n + 1, args, text, sizeof text);
		printf("%d %zu\n%s", status, strlen(text), text);
		fflush(stdout);
		for (int i = 1; i <= n; i++)
			free(args[i]);
		close_range(3, ~0U, 0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char text[256];
	int status;

	umask(0);
	if (argc == 2 && !strcmp(argv[1], "serve"))
		return serve();
	status = run(argc, argv, text, sizeof text);
	fputs(text, status == 2 ? stderr : stdout);
	return status;
}
