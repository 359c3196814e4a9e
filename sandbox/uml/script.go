package uml

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/snapd-shm/snapd-shm/internal/quote"
)

// initTemplate is PID 1 of the kernel. It runs from the host's root, builds
// a root of its own on a tmpfs and pivots into it, so that /snap, /dev/shm
// and everything the steps create stay inside the kernel.
var initTemplate = template.Must(template.New("init").Funcs(template.FuncMap{
	"quote": quote.Shell,
	"mode":  func(mode os.FileMode) string { return fmt.Sprintf("%o", mode.Perm()) },
}).Parse(`#!/bin/sh
X={{.Dir}}
exec >$X/init.log 2>&1
finish() {
	dmesg >$X/dmesg
	echo done >$X/done
	sync
	[ -e /proc/sysrq-trigger ] || mount -t proc proc /proc
	echo o >/proc/sysrq-trigger
	sleep 60
}
fail() { echo "$*"; finish; }

R=$X/root
mkdir -p $R && mount -t tmpfs -o mode=0755 root $R && cd $R || fail "cannot create the root"
mkdir -p usr etc proc sys dev tmp run snap oldroot
mount -t tmpfs -o mode=1777 tmp tmp && mkdir -p .$X || fail "cannot create /tmp"
ln -s usr/bin bin && ln -s usr/sbin sbin && ln -s usr/lib lib && ln -s usr/lib64 lib64
mount --bind /usr usr && mount --bind /etc etc && mount --bind $X .$X || fail "cannot bind the host's /usr and /etc"
pivot_root . oldroot && cd / || fail "cannot pivot into the root"
mount -t proc proc /proc && umount -l /oldroot && rmdir /oldroot || fail "cannot detach the host's root"
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
mount -t tmpfs -o mode=0755 dev /dev
mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 && mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/random c 1 8 && mknod -m 666 /dev/urandom c 1 9
ln -s /proc/self/fd /dev/fd
mkdir /dev/shm && mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t tmpfs -o mode=0755 run /run
mount -t tmpfs -o mode=0755 snap /snap
mkdir /run/ns && mount --bind /run/ns /run/ns && mount --make-private /run/ns || fail "cannot prepare namespace files"
echo 0 >/proc/sys/kernel/printk_ratelimit

cat /sys/module/apparmor/parameters/enabled >$X/apparmor
uname -r >$X/kernel
[ "$(cat $X/apparmor)" = Y ] || fail "AppArmor is not enabled"
{{if .Features}}aa-features-abi -x -w $X/features || fail "cannot read the kernel's AppArmor features"
{{end}}
{{range $b, $batch := .Batches}}
# batch {{$b}}
B=$X/batch{{$b}}
{{if $batch.Profiles}}apparmor_parser --replace --binary $B/policy >$B/load.log 2>&1
echo $? >$B/load.rc{{else}}echo 0 >$B/load.rc{{end}}
[ "$(cat $B/load.rc)" = 0 ] || fail "cannot load the profiles of batch {{$b}}"
{{range $f, $file := $batch.Files}}install -D -m {{mode $file.Mode}} $B/file{{$f}} {{quote $file.Path}}
{{end}}$X/steps $B/steps || fail "cannot run the steps of batch {{$b}}"
{{end}}
finish
`))

// plainPath is what the exchange directory's path may hold: the script
// uses it unquoted.
var plainPath = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)

// namespaceName is what a Step's Namespace may be: it names a file.
var namespaceName = regexp.MustCompile(`^[A-Za-z0-9_.-]*$`)

func initScript(dir string, batches []Batch, features bool) (string, error) {
	if !plainPath.MatchString(dir) {
		return "", fmt.Errorf("cannot use %q as the kernel's exchange directory: set TMPDIR to a path of letters, digits and ._/-", dir)
	}
	for _, b := range batches {
		for i, s := range b.Steps {
			for _, n := range s.Needs {
				if n < 0 || n >= i || b.Steps[n].Background {
					return "", fmt.Errorf("step %d cannot need step %d: only an earlier step that is not in the background", i, n)
				}
			}
			if !namespaceName.MatchString(s.Namespace) || s.Namespace == "." || s.Namespace == ".." {
				return "", fmt.Errorf("cannot use %q as a mount namespace name", s.Namespace)
			}
			if s.Lock != "" && !filepath.IsAbs(s.Lock) {
				return "", fmt.Errorf("cannot lock %q: the path is not absolute", s.Lock)
			}
			if len(s.Argv) == 0 {
				return "", fmt.Errorf("cannot run a step without a program")
			}
			if s.Background && s.Lock != "" {
				return "", fmt.Errorf("cannot hold lock %q for a step in the background", s.Lock)
			}
			if s.Resident && (s.Background || s.Lock != "") {
				return "", fmt.Errorf("cannot run resident step %q in the background or with a lock", s.Argv)
			}
			if s.UID < 0 {
				return "", fmt.Errorf("cannot run a step as user %d", s.UID)
			}
			for _, field := range append([]string{s.Profile, s.Lock}, s.Argv...) {
				if strings.ContainsRune(field, 0) {
					return "", fmt.Errorf("cannot pass %q to a step: it holds a NUL", field)
				}
			}
		}
		for _, f := range b.Files {
			if !filepath.IsAbs(f.Path) {
				return "", fmt.Errorf("cannot install file %q: the path is not absolute", f.Path)
			}
		}
	}
	var script strings.Builder
	err := initTemplate.Execute(&script, struct {
		Dir      string
		Batches  []Batch
		Features bool
	}{dir, batches, features})
	return script.String(), err
}
