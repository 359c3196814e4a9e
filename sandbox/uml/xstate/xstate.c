/*
 * Preloaded into Debian's linux.uml 6.1 on hosts whose XSAVE area is larger
 * than the 2696 bytes that UML 6.1 reserves for it (x87, SSE, AVX, AVX-512,
 * PKRU), such as hosts with Intel AMX (11008 bytes).
 *
 * UML restores each process's FPU state with PTRACE_SETREGSET(NT_X86_XSTATE)
 * and its fixed-size buffer. The host refuses a buffer shorter than its own
 * xstate with EFAULT ("ptrace set fp regs failed, errno = 14"), and every
 * process in the kernel dies of SIGSEGV before its first instruction.
 *
 * ptrace() here pads such a buffer to the host's size. The components that do
 * not fit in UML's buffer (AMX's tile state) are put in their initial state:
 * a UML process cannot enable them, as ARCH_REQ_XCOMP_PERM never reaches the
 * host. Any other call passes through unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <cpuid.h>

static long (*real_ptrace)(int, pid_t, void *, void *);
static size_t host_size;            /* full standard-format xstate size */
static unsigned char buf[1 << 16] __attribute__((aligned(64)));

long ptrace(enum __ptrace_request req, ...)
{
	va_list ap;
	va_start(ap, req);
	pid_t pid = va_arg(ap, pid_t);
	void *addr = va_arg(ap, void *);
	void *data = va_arg(ap, void *);
	va_end(ap);

	if (!real_ptrace)
		real_ptrace = (long (*)(int, pid_t, void *, void *))dlsym(RTLD_NEXT, "ptrace");

	if (req == PTRACE_SETREGSET && (uintptr_t)addr == NT_X86_XSTATE && data) {
		struct iovec *u = data;
		if (!host_size) {
			struct iovec probe = { buf, sizeof(buf) };
			if (real_ptrace(PTRACE_GETREGSET, pid, addr, &probe) == 0)
				host_size = probe.iov_len;
		}
		if (host_size && u->iov_len < host_size && u->iov_len >= 576) {
			uint64_t keep = 3, bv;   /* x87 + SSE live in the legacy area */
			for (unsigned i = 2; i < 63; i++) {
				unsigned a, b, c, d;
				__cpuid_count(0xd, i, a, b, c, d);
				if (a && (size_t)b + a <= u->iov_len)
					keep |= 1ull << i;
			}
			memset(buf, 0, host_size);
			memcpy(buf, u->iov_base, u->iov_len);
			memcpy(&bv, buf + 512, 8);
			bv &= keep;
			memcpy(buf + 512, &bv, 8);
			struct iovec f = { buf, host_size };
			return real_ptrace(req, pid, addr, &f);
		}
	}
	return real_ptrace(req, pid, addr, data);
}
