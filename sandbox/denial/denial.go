// Package denial reads AppArmor's records from kernel log text, in the
// forms the kernel's audit lines are found in: dmesg, journalctl -k,
// /var/log/syslog and /var/log/audit/audit.log (type=AVC msg=audit(…)):
//
//	… apparmor="DENIED" operation="open" profile="snap.a.b" name="/dev/shm/x" pid=12 comm="b" requested_mask="wc" denied_mask="wc" …
//
// Values the kernel hex-encodes (names with spaces, quotes or control
// characters) are decoded. A record is read whole or not at all, as
// libapparmor's parser reads it: a record cut short, or with a field that
// does not parse, is marked Malformed.
package denial

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Record is one AppArmor record of the kernel log.
type Record struct {
	Verdict       string // "DENIED", "ALLOWED", "AUDIT", …: the value of apparmor=
	Class         string // e.g. "file", "mount"; empty in kernels before 5.x
	Operation     string // e.g. "open", "mknod", "link", "mount"
	Namespace     string // the AppArmor namespace of the profile, empty for the host's
	Profile       string // the profile that decided
	Name          string // the path, or the mount point of a mount
	Target        string // the link target, or the source of a bind mount
	RequestedMask string // e.g. "wc"; empty for a mount
	DeniedMask    string
	Info          string // the kernel's reason, when it gives one
	PID           int
	Line          string // the record as the kernel logged it, from apparmor=
	// Malformed says why the record does not parse whole, if it does not;
	// its other fields are then not to be trusted.
	Malformed string
}

// Denied reports whether AppArmor denied what the record is about.
func (r Record) Denied() bool {
	return r.Verdict == "DENIED"
}

// fileOperations are the operations of the kernel's file mediation
// (security/apparmor/include/audit.h), for records without class=.
var fileOperations = map[string]bool{
	"open": true, "mknod": true, "link": true, "symlink": true, "unlink": true, "mkdir": true, "rmdir": true,
	"rename_src": true, "rename_dest": true, "truncate": true, "chmod": true, "chown": true, "getattr": true,
	"file_receive": true, "file_perm": true, "file_lock": true, "file_mmap": true, "file_mprotect": true,
	"file_inherit": true, "exec": true,
}

// File reports whether the record is about access to a file: its class is
// "file", or without a class, its operation is one of file mediation.
func (r Record) File() bool {
	if r.Class != "" {
		return r.Class == "file"
	}
	return fileOperations[r.Operation]
}

// fileMask holds the letters of a file record's masks, as the kernel's
// aa_audit_file_mask writes them: x w r a c d k m l.
const fileMask = "xwracdkml"

// Mask returns the letters of what was denied: denied_mask, or
// requested_mask in a record without one, with both parts of the older
// form owner::other. It is an error when the record has neither mask, or a
// letter that is not a file permission's.
func (r Record) Mask() (string, error) {
	mask := r.DeniedMask
	if mask == "" {
		mask = r.RequestedMask
	}
	if mask == "" {
		return "", fmt.Errorf("it has no requested_mask nor denied_mask")
	}
	owner, other, _ := strings.Cut(mask, "::")
	mask = owner + other
	if i := strings.IndexFunc(mask, func(c rune) bool { return !strings.ContainsRune(fileMask, c) }); i >= 0 {
		return "", fmt.Errorf("its mask %q holds %q, which is not a file permission", cut(r.DeniedMask+r.RequestedMask), mask[i:i+1])
	}
	return mask, nil
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
		// audit.log adds the names of ids after a group separator.
		record, _, _ := strings.Cut(line[i:], "\x1d")
		r := Record{Line: strings.TrimSpace(record)}
		var srcname string
		var seen uint16
		fields := []*string{&r.Verdict, &r.Class, &r.Operation, &r.Namespace, &r.Profile, &r.Name, &r.Target, &srcname, &r.RequestedMask, &r.DeniedMask, &r.Info}
		err := eachField(record, func(key, value string) error {
			i := fieldIndex(key)
			switch {
			case key == "pid" && r.PID == 0:
				pid, err := strconv.Atoi(value)
				if err != nil {
					return fmt.Errorf("pid=%s is not a number", cut(value))
				}
				r.PID = pid
			case i >= 0 && seen&(1<<i) == 0:
				// A field given twice counts once, the first time.
				seen |= 1 << i
				*fields[i] = value
			}
			return nil
		})
		if err != nil {
			r.Malformed = err.Error()
		}
		if r.Target == "" {
			r.Target = srcname
		}
		fn(r)
	}
	return others
}

// keys are the fields a Record holds, in the order of fieldIndex.
var keys = []string{"apparmor", "class", "operation", "namespace", "profile", "name", "target", "srcname", "requested_mask", "denied_mask", "info"}

// fieldIndex returns the place of key in keys, or -1.
func fieldIndex(key string) int {
	for i, k := range keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Denials returns the records of log text that are denials, in order.
func Denials(log string) []Record {
	var denials []Record
	Each(log, func(r Record) {
		if r.Denied() {
			denials = append(denials, r)
		}
	})
	return denials
}

// untrustedStrings are the fields the kernel hex-encodes when needed.
var untrustedStrings = map[string]bool{"profile": true, "name": true, "target": true, "srcname": true, "comm": true, "namespace": true, "peer": true}

// eachField calls fn with the key=value pairs of an audit record, up to
// the first that does not parse. Values are quoted, or hex-encoded when
// they hold spaces or other special bytes, as the kernel's
// audit_log_untrustedstring writes them.
func eachField(record string, fn func(key, value string) error) error {
	for {
		record = strings.TrimLeft(record, " ")
		if record == "" {
			return nil
		}
		key, rest, ok := strings.Cut(record, "=")
		if !ok || key == "" || strings.ContainsAny(key, ` "`) {
			return fmt.Errorf("%q is not a key=value field", cut(record))
		}
		var value string
		if quoted, ok := strings.CutPrefix(rest, `"`); ok {
			end := strings.IndexByte(quoted, '"')
			if end < 0 {
				return fmt.Errorf("the value of %s= is cut short: its quote does not close", key)
			}
			value, record = quoted[:end], quoted[end+1:]
			if record != "" && record[0] != ' ' {
				return fmt.Errorf("the value of %s= runs on after its closing quote", key)
			}
		} else {
			value, record, _ = strings.Cut(rest, " ")
			if untrustedStrings[key] {
				decoded, err := hex.DecodeString(value)
				if err != nil {
					return fmt.Errorf("the value of %s= is neither quoted nor hex: %q", key, cut(value))
				}
				value = string(decoded)
			}
		}
		if err := fn(key, value); err != nil {
			return err
		}
	}
}

// cut shortens text for a message.
func cut(text string) string {
	if len(text) > 40 {
		return text[:40] + "…"
	}
	return text
}
