package enforce

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/snapd-shm/snapd-shm/sandbox/realsnapd"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

//go:embed probe/probe.c
var probeSource []byte

// BuildProbe compiles the probe program into dir with gcc and returns its
// path; uml.ErrNoCompiler when gcc is missing. The probe does one operation
// per run, or serves many, one after another, as a resident step, with the
// real C library; see probe/probe.c for the operations.
func BuildProbe(dir string) (string, error) {
	return uml.Compile(dir, "probe", probeSource)
}

// Outcome is what the kernel let one probe operation do.
type Outcome struct {
	Allowed bool   `json:"allowed"`
	Errno   string `json:"errno,omitempty"` // e.g. "EACCES", when not allowed
}

// String is "allowed", or the errno the operation failed with.
func (o Outcome) String() string {
	if o.Allowed {
		return "allowed"
	}
	return o.Errno
}

// ParseOutcome reads what a probe reported.
func ParseOutcome(r uml.Result) (Outcome, error) {
	out := strings.TrimSpace(r.Stdout)
	switch {
	case r.Exit == 0 && out == "ok":
		return Outcome{Allowed: true}, nil
	case r.Exit == 1 && strings.HasPrefix(out, "E") && !strings.ContainsAny(out, " \n"):
		return Outcome{Errno: out}, nil
	}
	return Outcome{}, fmt.Errorf("probe did not run: exit status %d, output %q, errors %q", r.Exit, out, strings.TrimSpace(r.Stderr))
}

// BuildPrograms builds the probe into dir, and snapd's snap-update-ns from
// the snapd module this program is built with (kept in the user's cache).
func BuildPrograms(dir string) (Programs, error) {
	probe, err := BuildProbe(dir)
	if err != nil {
		return Programs{}, err
	}
	updateNS, err := moduleUpdateNS()
	if err != nil {
		return Programs{}, err
	}
	return Programs{Probe: probe, UpdateNS: updateNS}, nil
}

// moduleUpdateNS builds snap-update-ns from the snapd module this program
// is built with, and returns its path.
func moduleUpdateNS() (string, error) {
	src, err := realsnapd.ModuleSource()
	if err != nil {
		return "", err
	}
	return realsnapd.UpdateNS(src)
}
