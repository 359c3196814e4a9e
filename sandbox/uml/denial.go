package uml

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// Denial is one apparmor="DENIED" line of the kernel log.
type Denial struct {
	Operation     string // e.g. "open", "mknod", "link", "mount"
	Profile       string // the profile that denied it
	Name          string // the path, or the mount point of a mount
	Target        string // the link target, or the source of a bind mount
	RequestedMask string // e.g. "wc"; empty for a mount
	DeniedMask    string
	Info          string // the kernel's reason, when it gives one
	PID           int
	Line          string // the line as the kernel logged it
}

// parseDenials returns the AppArmor denials in kernel log text, in order.
func parseDenials(log string) []Denial {
	var denials []Denial
	for _, line := range strings.Split(log, "\n") {
		i := strings.Index(line, `apparmor="DENIED"`)
		if i < 0 {
			continue
		}
		fields := auditFields(line[i:])
		d := Denial{
			Operation:     fields["operation"],
			Profile:       fields["profile"],
			Name:          fields["name"],
			Target:        fields["target"],
			RequestedMask: fields["requested_mask"],
			DeniedMask:    fields["denied_mask"],
			Info:          fields["info"],
			Line:          strings.TrimSpace(line[i:]),
		}
		if d.Target == "" {
			d.Target = fields["srcname"]
		}
		d.PID, _ = strconv.Atoi(fields["pid"])
		denials = append(denials, d)
	}
	return denials
}

// untrustedStrings are the fields the kernel hex-encodes when needed.
var untrustedStrings = map[string]bool{"profile": true, "name": true, "target": true, "srcname": true, "comm": true}

// auditFields splits key=value pairs of an audit record. Values are
// quoted, or hex-encoded when they hold spaces or other special bytes, as
// the kernel's audit_log_untrustedstring writes them.
func auditFields(record string) map[string]string {
	fields := make(map[string]string)
	for record != "" {
		record = strings.TrimLeft(record, " ")
		key, rest, ok := strings.Cut(record, "=")
		if !ok {
			break
		}
		var value string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				end = len(rest) - 1
			}
			value, record = rest[1:1+end], rest[min(len(rest), end+2):]
		} else {
			value, record, _ = strings.Cut(rest, " ")
			if untrustedStrings[key] {
				if decoded, err := hex.DecodeString(value); err == nil {
					value = string(decoded)
				}
			}
		}
		fields[key] = value
	}
	return fields
}
