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
	"runtime/debug"
	"strings"

	"golang.org/x/sys/unix"
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

// ModuleSource returns the tree of the snapd module this program is built
// with (or, in a test, the one the module in the working directory
// requires), downloading it into the module cache when it is not there.
func ModuleSource() (Source, error) {
	version, err := moduleVersion()
	if err != nil {
		return Source{}, err
	}
	cmd := exec.Command("go", "mod", "download", "-json", snapdModule+"@"+version)
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		return Source{}, fmt.Errorf("cannot download the snapd module: %v", commandError(err))
	}
	var module struct{ Dir string }
	if err := json.Unmarshal(out, &module); err != nil || module.Dir == "" {
		return Source{}, fmt.Errorf("cannot read go mod download's answer for the snapd module")
	}
	return Source{Tree: module.Dir}, nil
}

func moduleVersion() (string, error) {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == snapdModule {
				return dep.Version, nil
			}
		}
	}
	// Test binaries carry no dependencies in their build information.
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", snapdModule).Output()
	if err != nil {
		return "", fmt.Errorf("cannot find the version of %s this program is built with: %v", snapdModule, commandError(err))
	}
	return strings.TrimSpace(string(out)), nil
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
// from the cache when the same tree, patches and Go have built them before.
// The cache is under the user's cache directory (snapd-shm/realsnapd).
func Build(src Source) (*Tools, error) {
	if err := CheckPackages(); err != nil {
		return nil, err
	}
	dir, err := cached(src, "all", func(tree, out string) error {
		if err := buildGo(tree, out, goBuilds); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "usr/lib/snapd/info"), []byte("VERSION="+Version+"\n"), 0644); err != nil {
			return err
		}
		return buildSnapConfine(tree, out)
	})
	if err != nil {
		return nil, err
	}
	return &Tools{Dir: dir}, nil
}

// UpdateNS builds snap-update-ns alone from src, as Build does, and returns
// its path. It needs only gcc, the C library's static archives and
// libcap's headers (Debian's gcc, libc6-dev and libcap-dev).
func UpdateNS(src Source) (string, error) {
	if err := checkPackages(updateNSPackages); err != nil {
		return "", err
	}
	dir, err := cached(src, "snap-update-ns", func(tree, out string) error {
		return buildGo(tree, out, []goBuild{updateNSBuild})
	})
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "usr/lib/snapd/snap-update-ns"), nil
}

var updateNSPackages = []string{"gcc", "libc6-dev", "libcap-dev"}

// cached returns the cache directory of what build makes from src, running
// build into it first when it is not there. One process builds at a time,
// under a lock in the cache.
func cached(src Source, what string, build func(tree, out string) error) (string, error) {
	key, err := cacheKey(src, what)
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a cache directory for snapd's programs: %v", err)
	}
	dir := filepath.Join(cache, "snapd-shm", "realsnapd", key)
	if err := os.MkdirAll(filepath.Dir(dir), 0755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return "", fmt.Errorf("cannot lock the cache of snapd's programs: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir, nil
	}
	work, err := os.MkdirTemp(filepath.Dir(dir), "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	tree, out := filepath.Join(work, "src"), filepath.Join(work, "out")
	if err := unpack(src, tree); err != nil {
		return "", err
	}
	if err := build(tree, out); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(out, "complete"), nil, 0644); err != nil {
		return "", err
	}
	os.RemoveAll(dir)
	if err := os.Rename(out, dir); err != nil {
		return "", fmt.Errorf("cannot keep snapd's programs in the cache: %v", err)
	}
	return dir, nil
}

// CheckPackages fails, saying what to install, when a package of Packages
// is missing.
func CheckPackages() error {
	return checkPackages(Packages)
}

func checkPackages(packages []string) error {
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		return fmt.Errorf("cannot check the packages snapd needs without dpkg-query: this harness runs on Debian")
	}
	var missing []string
	for _, pkg := range packages {
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

func cacheKey(src Source, what string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "recipe %s\ngo %s\ntree %s\nbuild %s\n", buildRecipe, Toolchain, src.Tree, what)
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

// unpack copies src's tree to tree and applies its patches.
func unpack(src Source, tree string) error {
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
	return nil
}

// goBuild is one go build of snapd's Go programs into a directory of Tools.
type goBuild struct {
	into   string
	cgo    bool
	static bool
	pkgs   []string
}

// updateNSBuild is snap-update-ns's: static, as it runs inside a snap's
// base, where the host's libraries are not.
var updateNSBuild = goBuild{"usr/lib/snapd", true, true, []string{"./cmd/snap-update-ns"}}

// goBuilds are snapd's Go programs.
var goBuilds = []goBuild{
	{"usr/lib/snapd", true, false, []string{"./cmd/snapd", "./cmd/snap-seccomp"}},
	{"usr/bin", true, false, []string{"./cmd/snap"}},
	// snap-exec and snapctl run inside a snap's base too.
	{"usr/lib/snapd", false, false, []string{"./cmd/snap-exec", "./cmd/snapctl"}},
	updateNSBuild,
}

// buildGo builds Go programs of the snapd tree with Toolchain into out.
func buildGo(tree, out string, builds []goBuild) error {
	version := "-X github.com/snapcore/snapd/snapdtool.Version=" + Version
	for _, b := range builds {
		into := filepath.Join(out, b.into)
		if err := os.MkdirAll(into, 0755); err != nil {
			return err
		}
		ldflags := version
		if b.static {
			ldflags += " -extldflags -static"
		}
		env := []string{"GOFLAGS=-mod=mod", "CGO_ENABLED=0", "GOTOOLCHAIN=" + Toolchain}
		if b.cgo {
			env[1] = "CGO_ENABLED=1"
		}
		args := append([]string{"build", "-o", into + "/", "-ldflags", ldflags}, b.pkgs...)
		if err := run(tree, env, "go", args...); err != nil {
			return err
		}
	}
	return nil
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
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, to)), 0755); err != nil {
			return err
		}
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
