// Package denial reads AppArmor's records from kernel log text, in the
// forms the kernel's audit lines are found in: dmesg, journalctl -k,
// /var/log/syslog and /var/log/audit/audit.log (type=AVC msg=audit(…)):
//
//	… apparmor="DENIED" operation="open" profile="snap.a.b" name="/dev/shm/x" pid=12 comm="b" requested_mask="wc" denied_mask="wc" …
//
// Values the kernel hex-encodes (names with spaces, quotes or control
// characters) are decoded.
package denial

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// Record is one AppArmor record of the kernel log.
type Record struct {
	Verdict       string // "DENIED", "ALLOWED", "AUDIT", …: the value of apparmor=
	Operation     string // e.g. "open", "mknod", "link", "mount"
	Profile       string // the profile that decided
	Name          string // the path, or the mount point of a mount
	Target        string // the link target, or the source of a bind mount
	RequestedMask string // e.g. "wc"; empty for a mount
	DeniedMask    string
	Info          string // the kernel's reason, when it gives one
	PID           int
	Line          string // the record as the kernel logged it, from apparmor=
}

// Denied reports whether AppArmor denied what the record is about.
func (r Record) Denied() bool {
	return r.Verdict == "DENIED"
}

// Parse returns the AppArmor records in log text, in order, and how many
// non-empty lines are not AppArmor records.
func Parse(log string) (records []Record, others int) {
	others = Each(log, func(r Record) { records = append(records, r) })
	return records, others
}

// Each calls fn with each AppArmor record in log text, in order, keeping
// none, and returns how many non-empty lines are not AppArmor records.
func Each(log string, fn func(Record)) (others int) {
	for log != "" {
		line, rest, _ := strings.Cut(log, "\n")
		log = rest
		i := strings.Index(line, `apparmor="`)
		if i < 0 {
			if strings.TrimSpace(line) != "" {
				others++
			}
			continue
		}
		r := Record{Line: strings.TrimSpace(line[i:])}
		var srcname string
		eachField(line[i:], func(key, value string) {
			switch key {
			case "apparmor":
				setOnce(&r.Verdict, value)
			case "operation":
				setOnce(&r.Operation, value)
			case "profile":
				setOnce(&r.Profile, value)
			case "name":
				setOnce(&r.Name, value)
			case "target":
				setOnce(&r.Target, value)
			case "srcname":
				setOnce(&srcname, value)
			case "requested_mask":
				setOnce(&r.RequestedMask, value)
			case "denied_mask":
				setOnce(&r.DeniedMask, value)
			case "info":
				setOnce(&r.Info, value)
			case "pid":
				if r.PID == 0 {
					r.PID, _ = strconv.Atoi(value)
				}
			}
		})
		if r.Target == "" {
			r.Target = srcname
		}
		fn(r)
	}
	return others
}

// Denials returns the records of log text that are denials, in order.
func Denials(log string) []Record {
	records, _ := Parse(log)
	var denials []Record
	for _, r := range records {
		if r.Denied() {
			denials = append(denials, r)
		}
	}
	return denials
}

// untrustedStrings are the fields the kernel hex-encodes when needed.
var untrustedStrings = map[string]bool{"profile": true, "name": true, "target": true, "srcname": true, "comm": true}

// setOnce keeps the first value of a field given twice.
func setOnce(field *string, value string) {
	if *field == "" {
		*field = value
	}
}

// eachField calls fn with the key=value pairs of an audit record. Values
// are quoted, or hex-encoded when they hold spaces or other special bytes,
// as the kernel's audit_log_untrustedstring writes them.
func eachField(record string, fn func(key, value string)) {
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
		fn(key, value)
	}
}
