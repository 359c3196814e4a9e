/*
 * steps FILE: runs the steps of one batch, in order, as Step describes
 * them (see uml.go). FILE holds, for each step, these NUL-terminated
 * fields, as stepsFile writes them:
 *
 *   OUT BACKGROUND RESIDENT NAMESPACE UID PROFILE LOCK NEEDS ARGC ARGV...
 *
 * NEEDS is a list of earlier steps' indices, separated by spaces. A step
 * whose needed step did not exit 0 is skipped. Otherwise the step's
 * program runs with OUT.out and OUT.err as its output, and its pid and
 * exit status (128+n when killed by signal n) are written to OUT.pid and
 * OUT.rc; "skipped" to OUT.rc for a skipped step. A step in the
 * background is waited for after the last step.
 *
 * A resident step is a request to one process, "ARGV[0] serve", started
 * by the first resident step of that program, namespace, user and profile
 * and kept until the last step: ARGV[1:] are sent to it, as the count and
 * the arguments, each NUL-terminated, and it replies "STATUS LENGTH\n"
 * and LENGTH bytes of output. OUT.pid is that process's. A batch has at
 * most 64 such processes; past them, a resident step fails with 127.
 *
 * The child enters the mount namespace (creating it with unshare(1) the
 * first time), takes on the user, asks for the profile on exec, as
 * aa_change_onexec does, and runs the program: one fork and one exec per
 * step. The lock is held by this program, outside the profile, while the
 * step runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct step {
	const char *out, *ns, *profile, *lock, *needs;
	int background, resident, uid;
	char **argv;
	pid_t pid;
	int rc; /* -1 until it exits; 0 is success */
};

static char *next(char **p, char *end)
{
	char *s = *p;
	char *nul = memchr(s, 0, end - s);
	if (nul == NULL) {
		fprintf(stderr, "steps: truncated steps file\n");
		exit(1);
	}
	*p = nul + 1;
	return s;
}

static void write_outcome(const char *out, const char *suffix, const char *format, ...)
{
	char path[4096];
	FILE *f;
	va_list ap;

	snprintf(path, sizeof path, "%s.%s", out, suffix);
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "steps: cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	va_start(ap, format);
	vfprintf(f, format, ap);
	va_end(ap);
	fclose(f);
}

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "steps: %s %s: %s\n", what, arg, strerror(errno));
	_exit(127);
}

static int wait_for(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void redirect(int fd, const char *out, const char *suffix, int flags)
{
	char path[4096];
	int f;

	snprintf(path, sizeof path, "%s%s", out, suffix);
	if ((f = open(path, flags, 0644)) < 0 || dup2(f, fd) < 0)
		die("cannot open", path);
	close(f);
}

/* ns_path writes the path of the file that holds namespace ns. */
static void ns_path(char *path, size_t size, const char *ns)
{
	snprintf(path, size, "/run/ns/%s", ns);
}

/* ensure_namespace makes the file of namespace ns hold a mount namespace
 * of its own, with private propagation, unless it already does. */
static void ensure_namespace(const char *ns)
{
	char path[4096], arg[4200];
	pid_t pid;
	int fd;

	ns_path(path, sizeof path, ns);
	if (access(path, F_OK) == 0)
		return;
	if ((fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) >= 0)
		close(fd);
	snprintf(arg, sizeof arg, "--mount=%s", path);
	if ((pid = fork()) == 0) {
		execlp("unshare", "unshare", arg, "--propagation", "private", "true", (char *)NULL);
		die("cannot run", "unshare");
	}
	if (pid < 0 || wait_for(pid) != 0)
		fprintf(stderr, "steps: cannot create mount namespace %s\n", ns);
}

/* enter takes on the step's mount namespace, user and profile. */
static void enter(const struct step *s)
{
	char path[4096], request[4096];
	int fd, n;

	signal(SIGPIPE, SIG_DFL);
	if (*s->ns) {
		ns_path(path, sizeof path, s->ns);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || setns(fd, CLONE_NEWNS) < 0)
			die("cannot enter mount namespace", s->ns);
	}
	if (s->uid != 0 && (setgroups(0, NULL) < 0 || setresgid(s->uid, s->uid, s->uid) < 0 ||
			    setresuid(s->uid, s->uid, s->uid) < 0))
		die("cannot become user", s->argv[0]);
	if (*s->profile) {
		n = snprintf(request, sizeof request, "exec %s", s->profile);
		if ((fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC)) < 0 || write(fd, request, n) != n)
			die("cannot change to profile", s->profile);
	}
}

static void run(const struct step *s)
{
	redirect(0, "/dev/null", "", O_RDONLY);
	redirect(1, s->out, ".out", O_WRONLY | O_CREAT | O_TRUNC);
	redirect(2, s->out, ".err", O_WRONLY | O_CREAT | O_TRUNC);
	enter(s);
	execv(s->argv[0], s->argv);
	die("cannot run", s->argv[0]);
}

struct resident {
	const struct step *first;
	pid_t pid;
	FILE *requests, *replies;
};

static struct resident residents[64];
static size_t resident_count;

static int same(const char *a, const char *b) { return !strcmp(a, b); }

/* resident returns the process that serves step s, started for it if
 * need be, with its errors in s's OUT.err; NULL if it cannot start. */
static struct resident *resident(const struct step *s)
{
	struct resident *r;
	int requests[2], replies[2];

	for (size_t i = 0; i < resident_count; i++) {
		const struct step *f = residents[i].first;
		if (same(f->argv[0], s->argv[0]) && same(f->ns, s->ns) && same(f->profile, s->profile) && f->uid == s->uid)
			return &residents[i];
	}
	if (resident_count == sizeof residents / sizeof residents[0] || pipe2(requests, O_CLOEXEC) < 0 ||
	    pipe2(replies, O_CLOEXEC) < 0)
		return NULL;
	r = &residents[resident_count++];
	r->first = s;
	if ((r->pid = fork()) == 0) {
		if (dup2(requests[0], 0) < 0 || dup2(replies[1], 1) < 0)
			die("cannot serve", s->argv[0]);
		redirect(2, s->out, ".err", O_WRONLY | O_CREAT | O_TRUNC);
		enter(s);
		execl(s->argv[0], s->argv[0], "serve", (char *)NULL);
		die("cannot run", s->argv[0]);
	}
	close(requests[0]);
	close(replies[1]);
	r->requests = fdopen(requests[1], "w");
	r->replies = fdopen(replies[0], "r");
	return r->pid < 0 ? NULL : r;
}

/* request sends step s to its resident process and returns the status of
 * the reply, whose output goes to OUT.out; 127 when none came. */
static int request(const struct step *s)
{
	struct resident *r = resident(s);
	char path[4096], buf[4096];
	int argc = 0, status;
	size_t length, n;
	FILE *out;

	if (r == NULL)
		return 127;
	write_outcome(s->out, "pid", "%d\n", r->pid);
	while (s->argv[argc + 1] != NULL)
		argc++;
	fprintf(r->requests, "%d%c", argc, 0);
	for (int i = 1; i <= argc; i++)
		fprintf(r->requests, "%s%c", s->argv[i], 0);
	if (fflush(r->requests) != 0 || fscanf(r->replies, "%d %zu", &status, &length) != 2 || fgetc(r->replies) != '\n')
		return 127;
	snprintf(path, sizeof path, "%s.out", s->out);
	if ((out = fopen(path, "w")) == NULL)
		return 127;
	for (; length > 0; length -= n) {
		if ((n = fread(buf, 1, length < sizeof buf ? length : sizeof buf, r->replies)) == 0)
			break;
		fwrite(buf, 1, n, out);
	}
	fclose(out);
	return length == 0 ? status : 127;
}

static int needs_met(const struct step *steps, const struct step *s)
{
	const char *p = s->needs;
	char *end;
	long n;

	while (*p) {
		n = strtol(p, &end, 10);
		if (end == p)
			break;
		if (steps[n].rc != 0)
			return 0;
		p = end;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct step *steps = NULL;
	size_t count = 0, size = 0;
	char *data = NULL, *p, *end;
	struct stat st;
	int fd, lock;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) < 0 ||
	    (data = malloc(st.st_size + 1)) == NULL || read(fd, data, st.st_size) != st.st_size) {
		fprintf(stderr, "usage: steps FILE, a readable file\n");
		return 2;
	}
	close(fd);
	end = data + st.st_size;
	for (p = data; p < end; count++) {
		struct step *s;
		int argn;

		if (count == size && (steps = reallocarray(steps, size = 2 * size + 8, sizeof *steps)) == NULL)
			return 1;
		s = &steps[count];
		s->out = next(&p, end);
		s->background = !strcmp(next(&p, end), "1");
		s->resident = !strcmp(next(&p, end), "1");
		s->ns = next(&p, end);
		s->uid = atoi(next(&p, end));
		s->profile = next(&p, end);
		s->lock = next(&p, end);
		s->needs = next(&p, end);
		argn = atoi(next(&p, end));
		if (argn < 1 || (s->argv = calloc(argn + 1, sizeof *s->argv)) == NULL) {
			fprintf(stderr, "steps: a step without a program\n");
			return 1;
		}
		for (int i = 0; i < argn; i++)
			s->argv[i] = next(&p, end);
		s->rc = -1;
	}
	/* A resident process that exits fails its request, not this program. */
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < count; i++) {
		struct step *s = &steps[i];

		if (!needs_met(steps, s)) {
			write_outcome(s->out, "rc", "skipped\n");
			continue;
		}
		if (*s->ns)
			ensure_namespace(s->ns);
		if (s->resident) {
			s->rc = request(s);
			write_outcome(s->out, "rc", "%d\n", s->rc);
			continue;
		}
		lock = -1;
		if (*s->lock && ((lock = open(s->lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0666)) < 0 || flock(lock, LOCK_EX) < 0))
			fprintf(stderr, "steps: cannot lock %s: %s\n", s->lock, strerror(errno));
		fflush(stderr);
		if ((s->pid = fork()) == 0)
			run(s);
		if (s->pid < 0) {
			fprintf(stderr, "steps: cannot fork: %s\n", strerror(errno));
			return 1;
		}
		write_outcome(s->out, "pid", "%d\n", s->pid);
		if (!s->background) {
			s->rc = wait_for(s->pid);
			write_outcome(s->out, "rc", "%d\n", s->rc);
		}
		if (lock >= 0)
			close(lock);
	}
	for (size_t i = 0; i < count; i++)
		if (steps[i].background && steps[i].pid > 0)
			write_outcome(steps[i].out, "rc", "%d\n", wait_for(steps[i].pid));
	for (size_t i = 0; i < resident_count; i++) {
		fclose(residents[i].requests);
		fclose(residents[i].replies);
		if (residents[i].pid > 0)
			wait_for(residents[i].pid);
	}
	return 0;
}
