package enforce

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

//go:embed probe/probe.c
var probeSource []byte

// ErrNoCompiler is returned when gcc is not installed.
var ErrNoCompiler = errors.New("gcc not found: install Debian's gcc package (apt-get install gcc)")

// BuildProbe compiles the probe program into dir with gcc and returns its
// path. The probe does one operation per run, with the real C library; see
// probe/probe.c for the operations.
func BuildProbe(dir string) (string, error) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return "", ErrNoCompiler
	}
	source := filepath.Join(dir, "probe.c")
	if err := os.WriteFile(source, probeSource, 0644); err != nil {
		return "", fmt.Errorf("cannot write probe source: %v", err)
	}
	probe := filepath.Join(dir, "probe")
	if out, err := exec.Command(gcc, "-O2", "-Wall", "-Werror", "-o", probe, source).CombinedOutput(); err != nil {
		return "", fmt.Errorf("cannot compile the probe: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return probe, nil
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
