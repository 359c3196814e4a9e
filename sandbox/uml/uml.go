// Package uml runs programs confined by AppArmor profiles under a real Linux
// kernel: Debian's User-mode Linux (linux.uml), which runs as an ordinary
// process and has AppArmor built in.
//
// Run boots the kernel once with the host's root as its hostfs root, builds a
// fresh root from a tmpfs (the host's /usr and /etc, a tmpfs on /dev/shm, /snap
// and /tmp), and runs batches: each loads its profiles, which the real
// apparmor_parser compiled on the host for the kernel's own features (see
// Features), installs its files and runs its steps, in order. A step is a
// program started under a profile, as snap-confine starts a snap's app, in
// the initial mount namespace or in a named private one, or a request to
// such a program kept running (Step's Resident). Run brings back each
// step's exit status and output, and the kernel's AppArmor denials. It
// needs gcc: see xstate/xstate.c and steps/steps.c.
package uml

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/snapd-shm/snapd-shm/sandbox/denial"
)

// ErrNoKernel is returned when linux.uml is not installed.
var ErrNoKernel = errors.New("linux.uml not found: install Debian's user-mode-linux package (apt-get install user-mode-linux)")

// KeepEnv, when set in the environment, keeps the exchange directory of
// each run (the init script, the console, the kernel log and each step's
// output) for inspection, and prints its path.
const KeepEnv = "SNAPD_SHM_UML_KEEP"

// KernelPath returns the path of linux.uml, or ErrNoKernel.
func KernelPath() (string, error) {
	if path, err := exec.LookPath("linux.uml"); err == nil {
		return path, nil
	}
	return "", ErrNoKernel
}

// File is a host file copied into the kernel's root before a batch's steps.
type File struct {
	Path   string // absolute, inside the kernel's root, e.g. /snap/foo/x1/bin/probe
	Source string // on the host
	Text   string // the file's content, when Source is ""
	Mode   os.FileMode
}

// Step is one program run in the kernel.
type Step struct {
	// Argv is the program, as a path inside the kernel's root, and its
	// arguments.
	Argv []string
	// Profile confines the program from its exec on, as aa_change_onexec
	// does; "" runs it unconfined.
	Profile string
	// Namespace names a private mount namespace; the first step that
	// names it creates it. "" is the initial mount namespace.
	Namespace string
	// UID runs the program as this user and group instead of root.
	UID int
	// Background starts the program and goes on to the next step at
	// once; the batch waits for it at its end.
	Background bool
	// Needs are earlier steps of the batch that must have exited 0 for
	// this one to run; otherwise it is skipped.
	Needs []int
	// Lock, when set, is a file locked with flock(2) while the step
	// runs, outside its profile, as snap-confine holds a snap's lock
	// while snap-update-ns runs.
	Lock string
	// Resident sends Argv[1:] as a request to one process, "Argv[0]
	// serve", which the first resident step of the same program,
	// namespace, user and profile starts and which serves the batch's
	// later ones: a step that costs no process of its own. The program
	// must speak steps/steps.c's protocol. Denials are the process's,
	// over all its steps.
	Resident bool
}

// Profile is an AppArmor profile file, named as the profile it holds.
type Profile struct {
	Name, Text string
}

// NamespaceFile is the path, in the kernel's initial mount namespace, of
// the file that holds the mount namespace a Step names, once a step has
// run there.
func NamespaceFile(name string) string {
	return "/run/ns/" + name
}

// Batch loads its profiles, replacing any of the same name, installs its
// files and then runs its steps in order.
type Batch struct {
	Profiles []Profile
	Files    []File
	Steps    []Step
}

// Result is what one step did.
type Result struct {
	// Skipped is true when a step that the step needs failed: it did
	// not run.
	Skipped bool
	Exit    int // the exit status; 128+n when killed by signal n
	Stdout  string
	Stderr  string
	Denials []denial.Record // those of the step's own process
}

// Report is what Run brings back.
type Report struct {
	Kernel  string          // the kernel's release, as uname -r prints it
	Results [][]Result      // Results[b][s] is step s of batch b
	Denials []denial.Record // every denial the kernel logged, in order
}

// Run boots the kernel once and runs the batches. It fails when the kernel
// does not boot, when AppArmor is not enabled in it, or when
// apparmor_parser rejects a profile.
func Run(batches []Batch) (*Report, error) {
	features, err := Features()
	if err != nil {
		return nil, err
	}
	dir, done, err := exchangeDir()
	if err != nil {
		return nil, err
	}
	defer done()
	if _, err := buildSteps(dir); err != nil {
		return nil, err
	}
	if err := writeBatches(dir, batches, features); err != nil {
		return nil, err
	}
	if err := Boot(dir, "512M", timeout(batches)); err != nil {
		return nil, err
	}
	return readReport(dir, batches)
}

// exchangeDir creates the directory a boot shares with the host, and
// returns it with a function that removes it, unless KeepEnv is set.
func exchangeDir() (string, func(), error) {
	if _, err := KernelPath(); err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "snapd-shm-uml-")
	if err != nil {
		return "", nil, fmt.Errorf("cannot create the kernel's exchange directory: %v", err)
	}
	if os.Getenv(KeepEnv) != "" {
		fmt.Fprintf(os.Stderr, "uml: keeping %s\n", dir)
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// Boot runs the kernel with dir/init.sh as PID 1, memory as its RAM and dir
// as its exchange directory, until it powers off or limit passes. init.sh
// writes dir/done when it has finished; without it, Boot fails with the
// last lines of dir/init.log and of the console.
func Boot(dir, memory string, limit time.Duration) error {
	kernel, err := KernelPath()
	if err != nil {
		return err
	}
	xstate, err := buildXstate(dir)
	if err != nil {
		return err
	}
	return boot(kernel, xstate, dir, memory, limit)
}

// timeout bounds a whole run, so that a kernel that hangs cannot hang the
// caller; it is far above what a run needs.
func timeout(batches []Batch) time.Duration {
	d := 2 * time.Minute
	for _, b := range batches {
		d += time.Duration(len(b.Steps))*time.Second + time.Duration(len(b.Profiles))*10*time.Second
	}
	return d
}

// boot runs the kernel, with xstate preloaded, and dir's init.sh, and
// waits until it powers off. linux.uml starts a host process per kernel
// thread and user process, all in one process group, which is killed
// whatever happens.
func boot(kernel, xstate, dir, memory string, limit time.Duration) error {
	console, err := os.Create(filepath.Join(dir, "console.log"))
	if err != nil {
		return fmt.Errorf("cannot create console log: %v", err)
	}
	defer console.Close()
	cmd := exec.Command(kernel,
		"mem="+memory, "rootfstype=hostfs", "rootflags=/", "rw",
		"init="+filepath.Join(dir, "init.sh"),
		"lsm=apparmor", "apparmor=1", "security=apparmor",
		"log_buf_len=4M", "con=null", "con0=fd:0,fd:1")
	// The kernel's memory is a file in TMPDIR.
	cmd.Env = append(os.Environ(), "TMPDIR="+dir, "LD_PRELOAD="+xstate)
	cmd.Stdout, cmd.Stderr = console, console
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot start %s: %v", kernel, err)
	}
	// Wait for the kernel to exit without reaping it, so that its process
	// group cannot be reused before it is killed.
	exited := make(chan error, 1)
	go func() {
		var info unix.Siginfo
		exited <- unix.Waitid(unix.P_PID, cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
	}()
	var waitErr error
	select {
	case <-exited:
	case <-time.After(limit):
		waitErr = fmt.Errorf("still running after %v", limit)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if err := cmd.Wait(); waitErr == nil {
		waitErr = err
	}
	if _, err := os.Stat(filepath.Join(dir, "done")); err != nil {
		return fmt.Errorf("the User-mode Linux kernel did not finish its run (%v); init said: %s; console said: %s",
			waitErr, tail(filepath.Join(dir, "init.log")), tail(console.Name()))
	}
	return nil
}

// tail returns the last lines of a log file, on one line.
func tail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(nothing)"
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strconv.Quote(strings.Join(lines, "\n"))
}

// writeBatches writes what the kernel runs into dir: each batch's files,
// steps and profiles, compiled with features, and the init script. With
// features "", the init script writes the kernel's features to
// dir/features instead, and batches must have no profiles.
func writeBatches(dir string, batches []Batch, features string) error {
	if err := os.Mkdir(filepath.Join(dir, "out"), 0755); err != nil {
		return err
	}
	for b, batch := range batches {
		batchDir := filepath.Join(dir, fmt.Sprintf("batch%d", b))
		if err := os.Mkdir(batchDir, 0755); err != nil {
			return err
		}
		for p, profile := range batch.Profiles {
			if err := os.WriteFile(filepath.Join(batchDir, fmt.Sprintf("profile%d", p)), []byte(profile.Text), 0644); err != nil {
				return fmt.Errorf("cannot write profile %q: %v", profile.Name, err)
			}
		}
		if err := os.WriteFile(filepath.Join(batchDir, "steps"), stepsFile(dir, b, batch.Steps), 0644); err != nil {
			return err
		}
		for f, file := range batch.Files {
			target := filepath.Join(batchDir, fmt.Sprintf("file%d", f))
			var err error
			if file.Source == "" {
				err = os.WriteFile(target, []byte(file.Text), 0644)
			} else {
				err = copyFile(file.Source, target)
			}
			if err != nil {
				return err
			}
		}
	}
	script, err := initScript(dir, batches, features == "")
	if err != nil {
		return err
	}
	for b, batch := range batches {
		if len(batch.Profiles) > 0 {
			if err := compilePolicy(features, filepath.Join(dir, fmt.Sprintf("batch%d", b)), batch.Profiles); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, "init.sh"), []byte(script), 0755)
}

func copyFile(source, target string) error {
	in, err := os.Open(source)
	if err != nil {
		return fmt.Errorf("cannot copy file into the kernel's root: %v", err)
	}
	defer in.Close()
	out, err := os.Create(target)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func readReport(dir string, batches []Batch) (*Report, error) {
	read := func(name string) string {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		return string(data)
	}
	if enabled := strings.TrimSpace(read("apparmor")); enabled != "Y" {
		return nil, fmt.Errorf("AppArmor is not enabled in the User-mode Linux kernel: /sys/module/apparmor/parameters/enabled is %q", enabled)
	}
	report := &Report{Kernel: strings.TrimSpace(read("kernel")), Denials: denial.Denials(read("dmesg"))}
	for b, batch := range batches {
		if rc := strings.TrimSpace(read(fmt.Sprintf("batch%d/load.rc", b))); rc != "0" {
			var names []string
			for _, p := range batch.Profiles {
				names = append(names, p.Name)
			}
			return nil, fmt.Errorf("apparmor_parser could not load profiles %s into the kernel: %s",
				strings.Join(names, ", "), strings.TrimSpace(read(fmt.Sprintf("batch%d/load.log", b))))
		}
		results := make([]Result, len(batch.Steps))
		for s, step := range batch.Steps {
			out := fmt.Sprintf("out/%d-%d", b, s)
			if rc := strings.TrimSpace(read(out + ".rc")); rc == "skipped" {
				results[s] = Result{Skipped: true, Exit: -1}
				continue
			}
			exit, err := strconv.Atoi(strings.TrimSpace(read(out + ".rc")))
			if err != nil {
				return nil, fmt.Errorf("step %q did not run: %s", step.Argv, tail(filepath.Join(dir, "init.log")))
			}
			pid, _ := strconv.Atoi(strings.TrimSpace(read(out + ".pid")))
			results[s] = Result{Exit: exit, Stdout: read(out + ".out"), Stderr: read(out + ".err")}
			for _, d := range report.Denials {
				if d.PID == pid {
					results[s].Denials = append(results[s].Denials, d)
				}
			}
		}
		report.Results = append(report.Results, results)
	}
	return report, nil
}
