package suggest

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxLogSize is the most log text ReadLogs reads, all logs together.
const MaxLogSize = 64 << 20

// ReadLogs reads the log files at paths, or standard input when there are
// none, as one text of at most MaxLogSize bytes.
func ReadLogs(paths []string) (string, error) {
	if len(paths) == 0 {
		paths = []string{"/dev/stdin"}
	}
	var log strings.Builder
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("cannot read log: %v", err)
		}
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			log.Grow(int(min(info.Size(), MaxLogSize+1-int64(log.Len()))))
		}
		_, err = io.Copy(&log, io.LimitReader(f, MaxLogSize+1-int64(log.Len())))
		f.Close()
		if err != nil {
			return "", fmt.Errorf("cannot read log: %v", err)
		}
		if log.Len() > MaxLogSize {
			return "", fmt.Errorf("cannot read log %s: the logs are larger than %d bytes (64 MiB): give the part with the denials, such as journalctl -k --since today", path, MaxLogSize)
		}
	}
	return log.String(), nil
}
