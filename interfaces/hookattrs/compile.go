package hookattrs

import (
	"fmt"
	"strings"
	"time"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
)

// profileHeader declares what snapd's template declares before a profile:
// the tunables, and the variables that interfaces' snippets use.
const profileHeader = `#include <tunables/global>
@{SNAP_NAME}="consumer"
@{SNAP_INSTANCE_NAME}="consumer"
@{SNAP_INSTANCE_DESKTOP}="consumer"
@{SNAP_COMMAND_NAME}="app"
@{SNAP_REVISION}="x1"
@{PROFILE_DBUS}="snap_2econsumer_2eapp"
@{INSTALL_DIR}="/{,var/lib/snapd/}snap"
`

// checkParser fails when apparmor_parser is missing, saying what to install.
func checkParser() error {
	_, err := apparmor.ParserPath()
	return err
}

// profiles returns the text of one AppArmor policy holding each body in a
// profile of its own.
func profiles(bodies []string) string {
	var b strings.Builder
	b.WriteString(profileHeader)
	for i, body := range bodies {
		fmt.Fprintf(&b, "profile \"hookattrs-%d\" (attach_disconnected,mediate_deleted) {\n%s\n}\n", i, body)
	}
	return b.String()
}

// compileJob is the AppArmor profiles' bodies of the case at index.
type compileJob struct {
	index  int
	bodies []string
}

// compile compiles the AppArmor profiles of the jobs with apparmor_parser,
// and marks the cases whose profiles it rejects as Broken. Bodies are
// compiled once, all in one policy; only when that fails, one by one.
func (a *auditor) compile(cases []Case, jobs []compileJob) {
	start := time.Now()
	defer func() { a.t.Compile += time.Since(start) }()
	seen := make(map[string]bool)
	var unique []string
	for _, job := range jobs {
		for _, body := range job.bodies {
			if !seen[body] {
				seen[body] = true
				unique = append(unique, body)
			}
		}
	}
	if len(unique) == 0 {
		return
	}
	a.t.Compiled += len(unique)
	if apparmor.Compile(profiles(unique)) == nil {
		return
	}
	rejected := make(map[string]string)
	for _, body := range unique {
		if err := apparmor.Compile(profiles([]string{body})); err != nil {
			rejected[body] = err.Error()
		}
	}
	for _, job := range jobs {
		for _, body := range job.bodies {
			if why, ok := rejected[body]; ok {
				c := &cases[job.index]
				c.Outcome, c.Detail, c.Grants, c.Policy = Broken, why, nil, ""
				break
			}
		}
	}
}
