package mount

// MockBeforeBind sets what runs between the checks of a private /dev/shm
// and its bind.
func MockBeforeBind(f func()) (restore func()) {
	old := beforeBind
	beforeBind = f
	return func() { beforeBind = old }
}
