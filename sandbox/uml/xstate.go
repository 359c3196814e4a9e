package uml

import _ "embed"

// xstateSource pads the kernel's FPU state to the host's size: see
// xstate/xstate.c. Without it, Debian's linux.uml 6.1 starts no process on
// hosts with Intel AMX.
//
//go:embed xstate/xstate.c
var xstateSource []byte

// buildXstate compiles xstateSource into dir and returns the shared
// object's path, for LD_PRELOAD.
func buildXstate(dir string) (string, error) {
	return Compile(dir, "xstate", xstateSource, "-shared", "-fPIC", "-ldl")
}
