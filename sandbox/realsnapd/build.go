package realsnapd

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Version is the snapd release the pinned module is, and what the built
// programs report.
const Version = "2.64"

// snapdModule is the pinned snapd module, as go.mod requires it.
const snapdModule = "github.com/snapcore/snapd"

// Toolchain is the Go that builds snapd: a release of the time of snapd
// 2.64, from the module proxy. Go 1.25 and later read /proc/self/mountinfo
// as each program starts, for cgroup-aware GOMAXPROCS, which snap-exec's
// and snap-update-ns's profiles do not allow: a newer Go would add
// denials that snapd 2.64 as released does not cause.
const Toolchain = "go1.22.12"

// buildRecipe changes whenever the way the programs are built changes, so
// that a cache of an older recipe is not used.
const buildRecipe = "1"

// Packages are the Debian packages that building and running snapd need:
// snap-confine's autotools build and its headers, snap-seccomp's headers,
// udevadm, mksquashfs and insmod. The Makefile installs them from the same
// list.
var Packages = strings.Fields(packageList)

//go:embed packages.txt
var packageList string

// Source is a snapd source tree and the patches applied to a copy of it
// before the build.
type Source struct {
	Tree    string   // the root of a snapd tree, with its go.mod
	Patches []string // git format-patch files, applied in order
}

// ModuleSource returns the pinned snapd module's tree, downloading it into
// the module cache when it is not there.
func ModuleSource() (Source, error) {
	out, err := exec.Command("go", "list", "-m", "-json", snapdModule).Output()
	if err != nil {
		return Source{}, fmt.Errorf("cannot find the snapd module: %v", commandError(err))
	}
	var module struct{ Dir, Version string }
	if err := json.Unmarshal(out, &module); err != nil {
		return Source{}, fmt.Errorf("cannot read go list's answer for the snapd module: %v", err)
	}
	if module.Dir == "" {
		out, err := exec.Command("go", "mod", "download", "-json", snapdModule+"@"+module.Version).Output()
		if err != nil {
			return Source{}, fmt.Errorf("cannot download the snapd module: %v", commandError(err))
		}
		if err := json.Unmarshal(out, &module); err != nil || module.Dir == "" {
			return Source{}, fmt.Errorf("cannot read go mod download's answer for the snapd module")
		}
	}
	return Source{Tree: module.Dir}, nil
}

// Tools are snapd's programs built from one Source, laid out as Debian's
// snapd package installs them under Dir: usr/bin/snap,
// usr/lib/snapd/{snapd,snap-confine,snap-update-ns,...} and snap-confine's
// AppArmor profile in etc/apparmor.d.
type Tools struct {
	Dir string
}

// Programs are what Build makes, by their path under Tools.Dir; info
// holds the version, which snapd reads from its carrier snap.
var Programs = []string{
	"usr/bin/snap",
	"usr/lib/snapd/snapd",
	"usr/lib/snapd/snap-exec",
	"usr/lib/snapd/snapctl",
	"usr/lib/snapd/snap-seccomp",
	"usr/lib/snapd/snap-update-ns",
	"usr/lib/snapd/snap-confine",
	"usr/lib/snapd/snap-discard-ns",
	"etc/apparmor.d/usr.lib.snapd.snap-confine",
	"usr/lib/snapd/info",
}

// Build builds snapd's programs from src with Toolchain, or returns them
// from the cache when the same tree, patches and Go have built them before. The cache is
// under the user's cache directory (snapd-shm/realsnapd).
func Build(src Source) (*Tools, error) {
	if err := CheckPackages(); err != nil {
		return nil, err
	}
	key, err := cacheKey(src)
	if err != nil {
		return nil, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("cannot find a cache directory for snapd's programs: %v", err)
	}
	dir := filepath.Join(cache, "snapd-shm", "realsnapd", key)
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return &Tools{Dir: dir}, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(filepath.Dir(dir), "build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	out := filepath.Join(work, "out")
	if err := build(src, filepath.Join(work, "src"), out); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(out, "complete"), nil, 0644); err != nil {
		return nil, err
	}
	os.RemoveAll(dir)
	if err := os.Rename(out, dir); err != nil {
		return nil, fmt.Errorf("cannot keep snapd's programs in the cache: %v", err)
	}
	return &Tools{Dir: dir}, nil
}

// CheckPackages fails, saying what to install, when a package of Packages
// is missing.
func CheckPackages() error {
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		return fmt.Errorf("cannot check the packages snapd needs without dpkg-query: this harness runs on Debian")
	}
	var missing []string
	for _, pkg := range Packages {
		out, err := exec.Command("dpkg-query", "-W", "-f", "${Status}", pkg).Output()
		if err != nil || !strings.HasSuffix(string(out), " installed") {
			missing = append(missing, pkg)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("cannot build and run snapd without Debian's %s: install them (make snapd-packages, or apt-get install %s)",
			strings.Join(missing, ", "), strings.Join(missing, " "))
	}
	return nil
}

func cacheKey(src Source) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "recipe %s\ngo %s\ntree %s\n", buildRecipe, Toolchain, src.Tree)
	for _, patch := range src.Patches {
		data, err := os.ReadFile(patch)
		if err != nil {
			return "", fmt.Errorf("cannot read patch: %v", err)
		}
		fmt.Fprintf(h, "patch %d\n", len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// build copies src's tree to tree, applies its patches and builds the
// programs into out.
func build(src Source, tree, out string) error {
	if err := run("", nil, "cp", "-a", src.Tree+"/.", tree+"/"); err != nil {
		return err
	}
	if err := run("", nil, "chmod", "-R", "u+w", tree); err != nil {
		return err
	}
	for _, patch := range src.Patches {
		abs, err := filepath.Abs(patch)
		if err != nil {
			return err
		}
		if err := run(tree, nil, "git", "apply", "-p1", abs); err != nil {
			return fmt.Errorf("cannot apply %s: %v", filepath.Base(patch), err)
		}
	}
	libexec := filepath.Join(out, "usr/lib/snapd")
	for _, dir := range []string{libexec, filepath.Join(out, "usr/bin"), filepath.Join(out, "etc/apparmor.d")} {
		if err := os.MkdirAll(dir, 0755); err != nil {
			return err
		}
	}
	version := "-X github.com/snapcore/snapd/snapdtool.Version=" + Version
	goBuilds := []struct {
		into   string
		cgo    bool
		static bool
		pkgs   []string
	}{
		{libexec, true, false, []string{"./cmd/snapd", "./cmd/snap-seccomp"}},
		{filepath.Join(out, "usr/bin"), true, false, []string{"./cmd/snap"}},
		// snap-exec and snapctl run inside a snap's base, and
		// snap-update-ns too, where the host's libraries are not.
		{libexec, false, false, []string{"./cmd/snap-exec", "./cmd/snapctl"}},
		{libexec, true, true, []string{"./cmd/snap-update-ns"}},
	}
	for _, b := range goBuilds {
		ldflags := version
		if b.static {
			ldflags += " -extldflags -static"
		}
		env := []string{"GOFLAGS=-mod=mod", "CGO_ENABLED=0", "GOTOOLCHAIN=" + Toolchain}
		if b.cgo {
			env[1] = "CGO_ENABLED=1"
		}
		args := append([]string{"build", "-o", b.into + "/", "-ldflags", ldflags}, b.pkgs...)
		if err := run(tree, env, "go", args...); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(libexec, "info"), []byte("VERSION="+Version+"\n"), 0644); err != nil {
		return err
	}
	return buildSnapConfine(tree, out)
}

// buildSnapConfine builds snap-confine, snap-discard-ns and snap-confine's
// AppArmor profile with snapd's autotools build, AppArmor on.
func buildSnapConfine(tree, out string) error {
	cmd := filepath.Join(tree, "cmd")
	if err := os.WriteFile(filepath.Join(cmd, "VERSION"), []byte(Version+"\n"), 0644); err != nil {
		return err
	}
	steps := [][]string{
		{"autoreconf", "-i", "-f"},
		{"./configure", "--prefix=/usr", "--libexecdir=/usr/lib/snapd", "--enable-apparmor", "--disable-selinux"},
		{"make", "-j2", "snap-confine/snap-confine", "snap-discard-ns/snap-discard-ns", "snap-confine/snap-confine.apparmor"},
	}
	for _, step := range steps {
		if err := run(cmd, nil, step[0], step[1:]...); err != nil {
			return err
		}
	}
	copies := map[string]string{
		"snap-confine/snap-confine":          "usr/lib/snapd/snap-confine",
		"snap-discard-ns/snap-discard-ns":    "usr/lib/snapd/snap-discard-ns",
		"snap-confine/snap-confine.apparmor": "etc/apparmor.d/usr.lib.snapd.snap-confine",
	}
	for from, to := range copies {
		if err := run("", nil, "cp", filepath.Join(cmd, from), filepath.Join(out, to)); err != nil {
			return err
		}
	}
	return nil
}

// run runs a command in dir with env added, and returns an error holding
// the end of its output when it fails.
func run(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		text := strings.TrimSpace(string(out))
		if len(text) > 2000 {
			text = "…" + text[len(text)-2000:]
		}
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, text)
	}
	return nil
}

func commandError(err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) && len(exit.Stderr) > 0 {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(exit.Stderr)))
	}
	return err
}
