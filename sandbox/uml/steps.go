package uml

import (
	"bytes"
	_ "embed"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// stepsSource runs a batch's steps in the kernel: see steps/steps.c.
//
//go:embed steps/steps.c
var stepsSource []byte

// buildSteps compiles stepsSource into dir and returns the program's path.
func buildSteps(dir string) (string, error) {
	return Compile(dir, "steps", stepsSource)
}

// stepsFile encodes the steps of batch b for steps.c, whose outcomes go
// to dir/out/<b>-<step>.
func stepsFile(dir string, b int, steps []Step) []byte {
	var buf bytes.Buffer
	field := func(s string) {
		buf.WriteString(s)
		buf.WriteByte(0)
	}
	for s, step := range steps {
		field(filepath.Join(dir, "out", fmt.Sprintf("%d-%d", b, s)))
		field(flag(step.Background))
		field(flag(step.Resident))
		field(step.Namespace)
		field(strconv.Itoa(step.UID))
		field(step.Profile)
		field(step.Lock)
		needs := make([]string, len(step.Needs))
		for i, n := range step.Needs {
			needs[i] = strconv.Itoa(n)
		}
		field(strings.Join(needs, " "))
		field(strconv.Itoa(len(step.Argv)))
		for _, arg := range step.Argv {
			field(arg)
		}
	}
	return buf.Bytes()
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
