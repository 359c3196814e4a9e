// Package realsnapd runs snapd itself under a real AppArmor kernel: the
// snapd daemon, snap, snap-confine, snap-update-ns, snap-exec and snapctl,
// built from a snapd tree (the pinned module, or one with patches applied),
// in Debian's User-mode Linux kernel with systemd as PID 1.
//
// Build builds and caches the programs. Boot starts one system and runs
// scenarios in it, in order: shell scripts run as root that install snaps
// with snap install --dangerous, connect them and run their apps through
// snap-confine. It brings back each scenario's output and exit status, snap
// changes, the AppArmor profiles snapd wrote and the kernel's denials.
//
// The system never writes to the host: its root is a tmpfs, /usr an
// overlay over the host's, and /etc a copy. Nothing is downloaded: the base
// snaps are made from the host's own files, the carrier "core" among them,
// and snapd's store access is off.
package realsnapd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/snapd-shm/snapd-shm/internal/quote"
	"github.com/snapd-shm/snapd-shm/sandbox/denial"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

// KeepEnv, when set in the environment, keeps the exchange directory of
// each boot (init's log, the console, snapd's log, each scenario's output)
// and prints its path.
const KeepEnv = "SNAPD_SHM_REALSNAPD_KEEP"

// TestUser is the ordinary user of the booted system; scenarios run
// commands as it with runuser -u test.
const TestUser = "test"

// Scenario is a bash script run as root in the booted system, from a
// directory of its own.
type Scenario struct {
	Name   string
	Script string
	// Dir, if set, is a host directory copied to be the scenario's
	// working directory, e.g. a spread task's with its test snaps.
	Dir string
	// Env is added to the script's environment, as KEY=value.
	Env []string
}

// Options say what to boot.
type Options struct {
	Tools *Tools
	// Bases are installed before the scenarios run, after the carrier
	// "core" which is always installed, e.g. "core22".
	Bases     []string
	Scenarios []Scenario
	// Programs are installed into /usr/local/bin, by name.
	Programs map[string][]byte
	// Memory is the kernel's RAM; 1G when empty.
	Memory string
}

// Result is what one scenario did.
type Result struct {
	Name     string
	Exit     int
	Output   string // stdout and stderr, interleaved
	Duration time.Duration
	Changes  string            // snap changes, after the scenario
	Profiles map[string]string // /var/lib/snapd/apparmor/profiles, after the scenario
	Denials  []denial.Record   // logged while the scenario ran
}

// Report is what Boot brings back.
type Report struct {
	Kernel      string
	Confinement string // what snap debug confinement says
	// Phases are the wall times of the boot's steps: the kernel and
	// systemd up to snapd's socket, seeding, installing the bases, and
	// the scenarios.
	Phases  []Phase
	Results []Result
	Denials []denial.Record
	// SnapdLog is snapd's own log, for when a scenario fails.
	SnapdLog string
}

// Phase is one step of a boot and how long it took.
type Phase struct {
	Name     string
	Duration time.Duration
}

// Boot boots a system with snapd and runs the scenarios. It fails when the
// system does not come up, when snapd does not seed or a base does not
// install; a failing scenario is a Result, not an error.
func Boot(opts Options) (*Report, error) {
	if opts.Tools == nil {
		return nil, fmt.Errorf("cannot boot snapd without its programs: build them first")
	}
	if opts.Memory == "" {
		opts.Memory = "1G"
	}
	bases := append([]string{"core"}, opts.Bases...)
	for _, base := range bases {
		if _, err := opts.Tools.BaseSnap(base); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp("", "snapd-shm-realsnapd-")
	if err != nil {
		return nil, fmt.Errorf("cannot create the kernel's exchange directory: %v", err)
	}
	if os.Getenv(KeepEnv) == "" {
		defer os.RemoveAll(dir)
	} else {
		fmt.Fprintf(os.Stderr, "realsnapd: keeping %s\n", dir)
	}
	if err := writeExchange(dir, opts, bases); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := uml.Boot(dir, opts.Memory, limit(opts)); err != nil {
		return nil, err
	}
	return readReport(dir, opts, time.Since(start))
}

// limit bounds a whole boot, far above what one needs, so that a hang
// cannot hang the caller.
func limit(opts Options) time.Duration {
	return 20*time.Minute + time.Duration(len(opts.Scenarios))*10*time.Minute
}

// BaseSnap returns the path of the base snap called name, made and kept
// beside the programs on first use.
func (t *Tools) BaseSnap(name string) (string, error) {
	path := filepath.Join(t.Dir, "snaps", name+".snap")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0755); err != nil {
		return "", err
	}
	tmp := path + ".new"
	if err := t.baseSnap(name, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("cannot make base snap %q: %v", name, err)
	}
	return path, os.Rename(tmp, path)
}

func writeExchange(dir string, opts Options, bases []string) error {
	for _, sub := range []string{"out", "bin"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0755); err != nil {
			return err
		}
	}
	for name, program := range opts.Programs {
		if strings.ContainsRune(name, '/') {
			return fmt.Errorf("cannot install program %q: a name has no /", name)
		}
		if err := os.WriteFile(filepath.Join(dir, "bin", name), program, 0755); err != nil {
			return err
		}
	}
	for i, sc := range opts.Scenarios {
		work := filepath.Join(dir, "scenario", strconv.Itoa(i))
		if err := os.MkdirAll(work, 0755); err != nil {
			return err
		}
		if sc.Dir != "" {
			if err := run("", nil, "cp", "-a", sc.Dir+"/.", work+"/"); err != nil {
				return err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "scenario", strconv.Itoa(i)+".sh"), []byte(sc.Script), 0644); err != nil {
			return err
		}
		var env bytes.Buffer
		for _, kv := range sc.Env {
			if !strings.Contains(kv, "=") {
				return fmt.Errorf("cannot set %q in scenario %q: not KEY=value", kv, sc.Name)
			}
			fmt.Fprintf(&env, "export %s\n", shellQuoteAssign(kv))
		}
		if err := os.WriteFile(filepath.Join(dir, "scenario", strconv.Itoa(i)+".env"), env.Bytes(), 0644); err != nil {
			return err
		}
	}
	var script bytes.Buffer
	err := initTemplate.Execute(&script, struct {
		Dir, Tools string
		Bases      []string
		Scenarios  int
		User       string
	}{dir, opts.Tools.Dir, bases, len(opts.Scenarios), TestUser})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "init.sh"), script.Bytes(), 0755)
}

func shellQuoteAssign(kv string) string {
	name, value, _ := strings.Cut(kv, "=")
	return name + "=" + quote.Shell(value)
}

func readReport(dir string, opts Options, total time.Duration) (*Report, error) {
	read := func(name string) string {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		return string(data)
	}
	if failure := strings.TrimSpace(read("failure")); failure != "" {
		return nil, fmt.Errorf("the system with snapd did not come up: %s; snapd said: %s", failure, lastLines(read("snapd.log"), 15))
	}
	log := read("dmesg")
	report := &Report{
		Kernel:      strings.TrimSpace(read("kernel")),
		Confinement: strings.TrimSpace(read("confinement")),
		Denials:     denial.Denials(log),
		SnapdLog:    read("snapd.log"),
	}
	phases, err := readPhases(read("phases"), total)
	if err != nil {
		return nil, err
	}
	report.Phases = phases
	for i, sc := range opts.Scenarios {
		out := filepath.Join("out", strconv.Itoa(i))
		exit, err := strconv.Atoi(strings.TrimSpace(read(out + "/rc")))
		if err != nil {
			return nil, fmt.Errorf("scenario %q did not run: %s", sc.Name, lastLines(read("run.log"), 8))
		}
		result := Result{
			Name:     sc.Name,
			Exit:     exit,
			Output:   read(out + "/output"),
			Changes:  read(out + "/changes"),
			Profiles: map[string]string{},
			Denials:  denial.Denials(between(log, fmt.Sprintf("realsnapd: scenario %d begins", i), fmt.Sprintf("realsnapd: scenario %d ends", i))),
		}
		for j, p := range phases {
			if p.Name == "scenario "+strconv.Itoa(i) {
				result.Duration = p.Duration
				phases[j].Name = "scenario " + sc.Name
			}
		}
		profiles, _ := filepath.Glob(filepath.Join(dir, out, "profiles", "*"))
		for _, path := range profiles {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			result.Profiles[filepath.Base(path)] = string(data)
		}
		report.Results = append(report.Results, result)
	}
	return report, nil
}

// readPhases reads the lines "NAME SECONDS" that the system wrote, each
// the time since boot when the phase ended; the kernel's start is the host's.
func readPhases(text string, total time.Duration) ([]Phase, error) {
	var phases []Phase
	var names []string
	ends := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		end, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("cannot read phase %q: %v", line, err)
		}
		names = append(names, line[:i])
		ends[line[:i]] = end
	}
	sort.SliceStable(names, func(a, b int) bool { return ends[names[a]] < ends[names[b]] })
	last := 0.0
	for _, name := range names {
		phases = append(phases, Phase{Name: name, Duration: time.Duration((ends[name] - last) * float64(time.Second))})
		last = ends[name]
	}
	phases = append(phases, Phase{Name: "total", Duration: total})
	return phases, nil
}

// between returns the lines of log after the line holding begin and before
// the one holding end.
func between(log, begin, end string) string {
	i := strings.Index(log, begin)
	if i < 0 {
		return ""
	}
	log = log[i+len(begin):]
	if j := strings.Index(log, end); j >= 0 {
		log = log[:j]
	}
	return log
}

func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strconv.Quote(strings.Join(lines, "\n"))
}

// initTemplate is PID 1 until it execs systemd: it builds the system's root
// and its snapd units, then hands over. systemd's default target starts
// snapd's socket and realsnapd-run.service, which runs run.sh: it waits
// for seeding, installs the bases, runs each scenario and powers off.
var initTemplate = template.Must(template.New("init").Parse(`#!/bin/sh
X={{.Dir}}
T={{.Tools}}
exec >$X/init.log 2>&1
fail() {
	echo "$*" >$X/failure; echo done >$X/done; sync
	[ -e /proc/sysrq-trigger ] || mount -t proc proc /proc
	echo o >/proc/sysrq-trigger; sleep 60
}
K=/usr/lib/uml/modules/$(uname -r)/kernel
insmod $K/fs/overlayfs/overlay.ko || fail "cannot load the overlay module"
R=$X/root
mkdir -p $R && mount -t tmpfs -o mode=0755 root $R && cd $R || fail "cannot create the root"
mkdir -p usr etc proc sys dev tmp run snap var home root media mnt oldroot .usr .$X .$T
mount -t tmpfs -o mode=0755 usr-upper .usr && mkdir .usr/upper .usr/work &&
	mount -t overlay -o lowerdir=/usr,upperdir=.usr/upper,workdir=.usr/work usr usr || fail "cannot lay /usr over the host's"
ln -s usr/bin bin && ln -s usr/sbin sbin && ln -s usr/lib lib && ln -s usr/lib64 lib64
cp -a /etc/. etc/ || fail "cannot copy /etc"
mount --bind $X .$X && mount --bind $T .$T && mount -o remount,bind,ro .$T || fail "cannot bind the exchange directory"

# snapd's programs, where Debian's package puts them.
cp -a $T/usr/. usr/ && cp -a $T/etc/. etc/ && chmod 4755 usr/lib/snapd/snap-confine || fail "cannot install snapd"
cp -a $X/bin/. usr/local/bin/
# snapd's state directories, as Debian's package lays them.
for d in apparmor/profiles apparmor/snap-confine seccomp/bpf snaps/partial mount hostfs lib/gl cookie desktop/applications inhibit sequence assertions; do
	mkdir -p var/lib/snapd/$d
done
mkdir -m 111 var/lib/snapd/void
mkdir -p var/cache/snapd var/snap var/tmp var/log usr/src run/netns
chmod 1777 var/tmp
# Store access off, before snapd first starts.
echo '{"data":{"config":{"core":{"store":{"access":"offline"}}}},"changes":{},"tasks":{},"last-change-id":0,"last-task-id":0,"last-lane-id":0}' >var/lib/snapd/state.json
# The ordinary user.
echo '{{.User}}:x:12345:12345::/home/{{.User}}:/bin/bash' >>etc/passwd
echo '{{.User}}:x:12345:' >>etc/group
echo '{{.User}}:!:19000::::::' >>etc/shadow
mkdir -p home/{{.User}} && chown 12345:12345 home/{{.User}}
echo realsnapd >etc/hostname

S=etc/systemd/system
rm -rf $S/*.wants
ln -s realsnapd.target $S/default.target
# No generators: the system's units are these, and each program costs.
mkdir -p etc/systemd/system-generators etc/systemd/system.conf.d
for g in usr/lib/systemd/system-generators/*; do ln -s /dev/null etc/systemd/system-generators/${g##*/}; done
printf '[Manager]\nShowStatus=no\nDefaultTimeoutStartSec=infinity\n' >etc/systemd/system.conf.d/realsnapd.conf
cat >$S/realsnapd.target <<EOF
[Unit]
Description=snapd under test
Wants=snapd.socket snapd.service realsnapd-run.service
# snapd reloads udev's rules when it sets up a snap.
Wants=systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-udevd.service
EOF
cat >$S/snapd.socket <<EOF
[Unit]
Description=Socket activation for snapd
DefaultDependencies=no
[Socket]
ListenStream=/run/snapd.socket
ListenStream=/run/snapd-snap.socket
SocketMode=0666
EOF
cat >$S/snapd.service <<EOF
[Unit]
Description=snapd
DefaultDependencies=no
Requires=snapd.socket
After=snapd.socket systemd-udevd.service
[Service]
Environment=SNAP_REEXEC=0 SNAPD_DEBUG=1 SNAPD_STANDBY_WAIT=24h
ExecStartPre=/sbin/apparmor_parser --replace /etc/apparmor.d/usr.lib.snapd.snap-confine
ExecStart=/usr/lib/snapd/snapd
StandardOutput=append:$X/snapd.log
StandardError=inherit
Type=notify
NotifyAccess=all
Restart=always
SuccessExitStatus=42
RestartPreventExitStatus=42
KillMode=process
EOF
cat >$S/realsnapd-run.service <<EOF
[Unit]
DefaultDependencies=no
After=snapd.socket
[Service]
Type=oneshot
Environment=SNAP_REEXEC=0 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin
ExecStart=/bin/sh $X/run.sh
StandardOutput=append:$X/run.log
StandardError=inherit
EOF
cat >$X/run.sh <<'EOF'
X={{.Dir}}
T={{.Tools}}
fail() { echo "$*" >$X/failure; finish; }
finish() { dmesg >$X/dmesg; echo done >$X/done; sync; echo o >/proc/sysrq-trigger; sleep 60; }
phase() { echo "$1 $(cut -d' ' -f1 /proc/uptime)" >>$X/phases; }
phase "kernel and systemd"
uname -r >$X/kernel
[ "$(cat /sys/module/apparmor/parameters/enabled)" = Y ] || fail "AppArmor is not enabled in the kernel"
until snap debug seeding 2>/dev/null | grep -q '^seeded: *true'; do sleep 1; done
phase "seeding"
snap debug confinement >$X/confinement 2>&1
{{range .Bases}}snap install --dangerous $T/snaps/{{.}}.snap || fail "cannot install base {{.}}"
{{end}}phase "bases"
for i in $(seq 0 $(({{.Scenarios}} - 1))); do
	out=$X/out/$i
	mkdir -p $out
	echo "realsnapd: scenario $i begins" >/dev/kmsg
	( cd $X/scenario/$i && . $X/scenario/$i.env && exec bash $X/scenario/$i.sh ) >$out/output 2>&1 </dev/null
	echo $? >$out/rc
	echo "realsnapd: scenario $i ends" >/dev/kmsg
	phase "scenario $i"
	snap changes >$out/changes 2>&1
	cp -a /var/lib/snapd/apparmor/profiles $out/profiles
done
finish
EOF
pivot_root . oldroot && cd / || fail "cannot pivot into the root"
mount -t proc proc /proc && umount -l /oldroot && rmdir /oldroot || fail "cannot detach the host's root"
insmod $K/drivers/block/loop.ko && insmod $K/fs/squashfs/squashfs.ko || fail "cannot load the loop and squashfs modules"
echo 0 >/proc/sys/kernel/printk_ratelimit
exec /lib/systemd/systemd
`))
