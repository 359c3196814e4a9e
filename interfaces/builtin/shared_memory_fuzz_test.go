package builtin_test

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/snapcore/snapd/interfaces"
	snapdapparmor "github.com/snapcore/snapd/interfaces/apparmor"
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/internal/aare"
)

// FuzzSharedMemoryName feeds names to a slot's "write" list. A rejected
// name must be named in the error, and a name that snapd rejects too must
// get snapd's error. An accepted one must yield a one-line
// plug rule, and one more for glibc's temporary semaphore name when it
// names semaphores, that apparmor_parser compiles; the expression the
// parser compiles them to must match only objects directly inside /dev/shm
// or /run/shm. Against snapd's own shared-memory: every name we accept, it
// accepts with the same rule, and every name only it accepts is one of the
// documented differences.
func FuzzSharedMemoryName(f *testing.F) {
	if _, err := apparmor.ParserPath(); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"students", "*", "frame-*", "*.*", "a*b*c", "sem.snap.*", "snap.*", "é",
		"a b", "a,b", "#", "$", "a(b)|c", "a+b", "...", ".a", "'", "-", "@",
		"", ".", "..", "a/b", "**", "a?", "[a]", "{a,b}", "^", `"`, `a\`, `a\b`,
		"@{HOME}", "a\nb", "a\x00", " a", "a\t", "\x7f", "\u0085", "sem.", "sem.*",
		"a\u202eb", "\u200b", "a\u00a0b", "a*b*c*d*e*f", strings.Repeat("x", 256), "se*", "*x", "sem",
	} {
		f.Add(seed)
	}
	iface := builtin.MustInterface("shared-memory")
	upstream := sharedMemoryUpstream(f)
	provider := sharedMemoryFuzzSnap(f, "name: provider\nversion: 0\napps:\n  app:\n")
	consumer := sharedMemoryFuzzSnap(f, "name: consumer\nversion: 0\napps:\n  app:\nplugs:\n  shm:\n    interface: shared-memory\n    shared-memory: shm\n")
	plugInfo := consumer.Info().Plugs["shm"]
	if err := interfaces.BeforePreparePlug(iface, plugInfo); err != nil {
		f.Fatal(err)
	}
	plug := interfaces.NewConnectedPlug(plugInfo, consumer, nil, nil)
	semaphoreRule := sharedMemorySemaphoreRule(f, iface, plug, provider, consumer)

	f.Fuzz(func(t *testing.T, name string) {
		rule, err := sharedMemoryPlugRule(iface, plug, provider, consumer, name)
		upstreamRule, upstreamErr := sharedMemoryPlugRule(upstream, plug, provider, consumer, name)
		if err != nil {
			if name != "" && !strings.Contains(err.Error(), strconv.Quote(name)) && !strings.Contains(err.Error(), strconv.QuoteToASCII(name)) {
				t.Fatalf("error for %q does not name the value: %v", name, err)
			}
			// snapd may reject for a later reason a name that one of our
			// stricter checks rejects first.
			if upstreamErr != nil && sharedMemoryAsUpstream(err) != upstreamErr.Error() && !sharedMemoryDocumentedDifference(name, err) {
				t.Fatalf("name %q is rejected here with %q, by snapd with %q", name, err, upstreamErr)
			}
			if upstreamErr == nil && !sharedMemoryDocumentedDifference(name, err) {
				t.Fatalf("name %q is accepted by snapd but rejected here: %v", name, err)
			}
			return
		}
		if strings.Count(upstreamRule, "\n") != 1 || !strings.HasSuffix(upstreamRule, "\n") {
			t.Fatalf("name %q yields more than one line in snapd: %q", name, upstreamRule)
		}
		expected := rulesOnly(upstreamRule)
		objects := []string{name}
		if coversSemaphore(name) && !coversTemporaryNames(name) {
			expected += "\n" + semaphoreRule
			objects = append(objects, "sem.Ab3xY9")
		}
		if upstreamErr != nil || rulesOnly(rule) != expected {
			t.Fatalf("name %q yields %q here, but %q (error %v) in snapd", name, rule, upstreamRule, upstreamErr)
		}
		tree, err := apparmor.ExpressionTree("profile shm-fuzz {\n  " + rule + "}\n")
		if err != nil {
			t.Fatalf("accepted name %q yields a rule that does not compile: %v", name, err)
		}
		if err := checkTopLevelOfShm(tree, objects); err != nil {
			t.Fatalf("accepted name %q, rule %q: %v", name, rule, err)
		}
	})
}

// sharedMemorySemaphoreRule returns the one rule that a "write" name of
// semaphores adds to the plug's rules.
func sharedMemorySemaphoreRule(tb testing.TB, iface interfaces.Interface, plug *interfaces.ConnectedPlug, provider, consumer *interfaces.SnapAppSet) string {
	rules, err := sharedMemoryPlugRule(iface, plug, provider, consumer, "sem.x")
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(rulesOnly(rules), "\n")
	if len(lines) != 2 || lines[0] != `"/{dev,run}/shm/sem.x" mrwlk,` {
		tb.Fatalf("a slot writing sem.x does not yield its rule and one more: %q", rules)
	}
	return lines[1]
}

// FuzzSharedMemorySlot feeds whole slots: "write" and "read" lists of names
// separated by NUL, one more "write" name of long bytes, the "read" list
// repeated, and attributes that the slot's prepare hook sets when it
// connects, chosen by kind: none, "write", "read", or "write" with a null.
// A refused slot or connection must be refused with the interface's own
// error, and then, when snapd reloads the connection unchecked, neither
// side may get rules. An accepted connection must
// give both sides rules that apparmor_parser compiles and that match all of
// the slot's names, and only objects directly inside /dev/shm or /run/shm,
// with glibc's temporary semaphore name exactly when the side can create a
// semaphore: a name covers one and the side may write it, and no bare "*"
// the side may write covers the temporary name already.
func FuzzSharedMemorySlot(f *testing.F) {
	if _, err := apparmor.ParserPath(); err != nil {
		f.Fatal(err)
	}
	f.Add("students\x00lock-*", "teachers", "", uint8(0), uint16(0), uint8(0))
	f.Add("fastrtps_*\x00sem.fastrtps_*", "", "", uint8(0), uint16(0), uint8(0))
	f.Add("*\x00sem.x", "", "", uint8(0), uint16(0), uint8(0))
	f.Add("se*\x00*x", "", "", uint8(0), uint16(0), uint8(0))
	f.Add("a", "sem.y\x00s*", "", uint8(0), uint16(0), uint8(0))
	f.Add("sem.y", "*", "", uint8(0), uint16(0), uint8(0))
	f.Add("", "teachers", "x\" rwlkix, /** rwlkix, \"/y", uint8(1), uint16(0), uint8(0))
	f.Add("", "teachers", "sem.x", uint8(1), uint16(0), uint8(0))
	f.Add("a", "", "b\x00c*", uint8(2), uint16(0), uint8(0))
	f.Add("a", "", "b", uint8(3), uint16(0), uint8(0))
	f.Add("a*b-", "", "", uint8(0), uint16(255), uint8(0))
	f.Add("a*b-", "", "", uint8(0), uint16(256), uint8(0))
	f.Add("a", "b\x00c\x00d\x00e", "", uint8(0), uint16(0), uint8(254))
	f.Add("a", "b\x00c\x00d\x00e", "", uint8(0), uint16(0), uint8(255))
	f.Add("a\u202e", "", "", uint8(0), uint16(0), uint8(0))
	iface := builtin.MustInterface("shared-memory")
	consumer := sharedMemoryFuzzSnap(f, "name: consumer\nversion: 0\napps:\n  app:\nplugs:\n  shm:\n    interface: shared-memory\n    shared-memory: shm\n")
	plugInfo := consumer.Info().Plugs["shm"]
	if err := interfaces.BeforePreparePlug(iface, plugInfo); err != nil {
		f.Fatal(err)
	}
	provider := sharedMemoryFuzzSnap(f, "name: provider\nversion: 0\napps:\n  app:\n")
	semaphoreRule := sharedMemorySemaphoreRule(f, iface, interfaces.NewConnectedPlug(plugInfo, consumer, nil, nil), provider, consumer)
	ref := &interfaces.ConnRef{
		PlugRef: interfaces.PlugRef{Snap: "consumer", Name: "shm"},
		SlotRef: interfaces.SlotRef{Snap: "provider", Name: "shm"},
	}
	allow := func(*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) (bool, error) { return true, nil }

	f.Fuzz(func(t *testing.T, write, read, dynamic string, kind uint8, long uint16, copies uint8) {
		attrs := make(map[string]interface{})
		writeNames := fuzzNames(write)
		if long > 0 {
			writeNames = append(writeNames, strings.Repeat(write+"x", int(long))[:long])
		}
		if writeNames != nil {
			attrs["write"] = writeNames
		}
		if readNames := fuzzNames(read); readNames != nil {
			for i := 0; i < int(copies); i++ {
				readNames = append(readNames, fuzzNames(read)...)
			}
			attrs["read"] = readNames
		}
		var dynamicAttrs map[string]interface{}
		switch kind % 4 {
		case 1:
			dynamicAttrs = map[string]interface{}{"write": fuzzNames(dynamic)}
		case 2:
			dynamicAttrs = map[string]interface{}{"read": fuzzNames(dynamic)}
		case 3:
			dynamicAttrs = map[string]interface{}{"write": append(fuzzNames(dynamic), nil)}
		}

		providerSet := sharedMemoryFuzzSnap(t, "name: provider\nversion: 0\napps:\n  app:\nslots:\n  shm:\n    interface: shared-memory\n    shared-memory: shm\n")
		slotInfo := providerSet.Info().Slots["shm"]
		for key, value := range attrs {
			slotInfo.Attrs[key] = value
		}
		if err := interfaces.BeforePrepareSlot(iface, slotInfo); err != nil {
			checkSlotError(t, err)
			return
		}
		repo := interfaces.NewRepository()
		for _, err := range []error{repo.AddInterface(iface), repo.AddAppSet(providerSet), repo.AddAppSet(consumer)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := repo.Connect(ref, nil, nil, nil, dynamicAttrs, allow); err != nil {
			checkSlotError(t, err)
			conn, err := repo.Connect(ref, nil, nil, nil, dynamicAttrs, nil)
			if err != nil {
				t.Fatalf("cannot reload the connection: %v", err)
			}
			plugSpec := snapdapparmor.NewSpecification(consumer)
			if err := plugSpec.AddConnectedPlug(iface, conn.Plug, conn.Slot); err != nil || plugSpec.SnippetForTag("snap.consumer.app") != "" {
				t.Fatalf("attributes %v refused on connection give the plug rules or an error when reloaded: %v", dynamicAttrs, err)
			}
			slotSpec := snapdapparmor.NewSpecification(providerSet)
			if err := slotSpec.AddConnectedSlot(iface, conn.Plug, conn.Slot); err != nil || slotSpec.SnippetForTag("snap.provider.app") != "" {
				t.Fatalf("attributes %v refused on connection give the slot rules or an error when reloaded: %v", dynamicAttrs, err)
			}
			return
		}
		conn, err := repo.Connection(ref)
		if err != nil {
			t.Fatal(err)
		}
		var objects []string
		// For the plug side and the slot side: whether a written name
		// covers semaphores, and whether one covers glibc's temporary
		// names already.
		var semaphores, tempGlob [2]bool
		for _, attr := range []string{"write", "read"} {
			value, _ := conn.Slot.Lookup(attr)
			list, _ := value.([]interface{})
			for _, item := range list {
				name := item.(string)
				objects = append(objects, name)
				for side, writes := range []bool{attr == "write", true} {
					semaphores[side] = semaphores[side] || writes && coversSemaphore(name)
					tempGlob[side] = tempGlob[side] || writes && coversTemporaryNames(name)
				}
			}
		}
		for side := range semaphores {
			semaphores[side] = semaphores[side] && !tempGlob[side]
		}
		plugSpec := snapdapparmor.NewSpecification(consumer)
		if err := plugSpec.AddConnectedPlug(iface, conn.Plug, conn.Slot); err != nil {
			t.Fatalf("accepted connection gives no plug rules: %v", err)
		}
		slotSpec := snapdapparmor.NewSpecification(providerSet)
		if err := slotSpec.AddConnectedSlot(iface, conn.Plug, conn.Slot); err != nil {
			t.Fatalf("accepted connection gives no slot rules: %v", err)
		}
		for side, rules := range []string{plugSpec.SnippetForTag("snap.consumer.app"), slotSpec.SnippetForTag("snap.provider.app")} {
			if strings.Contains(rules, semaphoreRule) != semaphores[side] {
				t.Fatalf("rules %q: semaphore rule expected %v", rules, semaphores[side])
			}
			tree, err := apparmor.ExpressionTree("profile shm-fuzz {\n" + rules + "}\n")
			if err != nil {
				t.Fatalf("accepted slot %v gives rules that do not compile: %v", conn.Slot.StaticAttrs(), err)
			}
			// A side with the rule for glibc's temporary names reaches them.
			sideObjects := objects
			if semaphores[side] {
				sideObjects = append(slices.Clip(objects), "sem.Ab3xY9")
			}
			if err := checkTopLevelOfShm(tree, sideObjects); err != nil {
				t.Fatalf("accepted slot %v: %v", conn.Slot.StaticAttrs(), err)
			}
		}
	})
}

// fuzzNames splits NUL-separated names into a list as snap.yaml gives it;
// "" is no list.
func fuzzNames(names string) []interface{} {
	if names == "" {
		return nil
	}
	var list []interface{}
	for _, name := range strings.Split(names, "\x00") {
		list = append(list, name)
	}
	return list
}

// checkSlotError checks that a refusal is one of the interface's errors
// about a slot's names.
func checkSlotError(t *testing.T, err error) {
	for _, subject := range []string{`shared-memory "write" `, `shared-memory "read" `, `shared-memory interface `, `shared memory interface `} {
		if strings.Contains(err.Error(), subject) {
			return
		}
	}
	t.Fatalf("error is not about the slot's names: %v", err)
}

// sharedMemoryPlugRule sanitizes a slot that writes name and returns the
// rule that iface gives the connected plug.
func sharedMemoryPlugRule(iface interfaces.Interface, plug *interfaces.ConnectedPlug, provider, consumer *interfaces.SnapAppSet, name string) (string, error) {
	slotInfo := &snap.SlotInfo{
		Snap:      provider.Info(),
		Name:      "shm",
		Interface: "shared-memory",
		Attrs:     map[string]interface{}{"write": []interface{}{name}},
	}
	if err := interfaces.BeforePrepareSlot(iface, slotInfo); err != nil {
		return "", err
	}
	slot := interfaces.NewConnectedSlot(slotInfo, provider, nil, nil)
	spec := snapdapparmor.NewSpecification(consumer)
	if err := spec.AddConnectedPlug(iface, plug, slot); err != nil {
		return "", err
	}
	return spec.SnippetForTag("snap.consumer.app"), nil
}

// sharedMemoryAsUpstream returns our error as snapd 2.64 words it: its
// reserved characters lack the backslash that upstream/pr-backslash adds.
func sharedMemoryAsUpstream(err error) string {
	return strings.Replace(err.Error(), `from ?[]{}^"\`+"\x00", `from ?[]{}^"`+"\x00", 1)
}

// sharedMemoryDocumentedDifference reports whether our error for a name
// that snapd accepts gives one of the reasons docs/reference.md lists.
func sharedMemoryDocumentedDifference(name string, err error) bool {
	if strings.Contains(name, `\`) && strings.Contains(err.Error(), "contains a reserved apparmor char") {
		return true
	}
	for _, reason := range []string{
		"contains control character", "path is too long", `contains more than 4 "*"`, "path is reserved",
	} {
		if strings.Contains(err.Error(), reason) {
			return true
		}
	}
	return false
}

func sharedMemoryUpstream(f *testing.F) interfaces.Interface {
	for _, iface := range snapdbuiltin.Interfaces() {
		if iface.Name() == "shared-memory" {
			return iface
		}
	}
	f.Fatal("snapd has no shared-memory interface")
	return nil
}

func sharedMemoryFuzzSnap(tb testing.TB, yaml string) *interfaces.SnapAppSet {
	restore := snap.MockSanitizePlugsSlots(func(*snap.Info) {})
	defer restore()
	info, err := snap.InfoFromSnapYaml([]byte(yaml))
	if err != nil {
		tb.Fatal(err)
	}
	set, err := interfaces.NewSnapAppSet(info, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

// coversSemaphore reports whether an accepted name matches the file of a
// semaphore, "sem." and a name: if it matches one, it matches one of two,
// the name with each "*" as "a", or "sem.a" and what follows its first "*".
func coversSemaphore(name string) bool {
	_, afterGlob, _ := strings.Cut(name, "*")
	for _, file := range []string{strings.ReplaceAll(name, "*", "a"), "sem.a" + strings.ReplaceAll(afterGlob, "*", "a")} {
		if matched, _ := path.Match(name, file); matched && len(file) > len("sem.") && strings.HasPrefix(file, "sem.") {
			return true
		}
	}
	return false
}

// coversTemporaryNames reports whether an accepted name matches every
// temporary name of glibc's semaphores: samples of letters and digits
// that the name does not hold stand for them all.
func coversTemporaryNames(name string) bool {
	for _, random := range []string{"Ab3xY9", "zzzzzz", "000000", "QwErTy"} {
		if matched, _ := path.Match(name, "sem."+random); !matched {
			return false
		}
	}
	return true
}

const shmPrefix = "/(dev|run)/shm/"

// checkTopLevelOfShm reads the parser's expression tree for rules. Every
// alternative must be the shm prefix followed by an expression that cannot
// match "/" nor the empty string, and each object must be matched by one.
func checkTopLevelOfShm(tree string, objects []string) error {
	matched := make([]bool, len(objects))
	for _, path := range aare.Alternatives(tree) {
		body, ok := strings.CutPrefix(path, shmPrefix)
		if !ok {
			return fmt.Errorf("expression %q is outside %s", path, shmPrefix)
		}
		re, err := aare.Parse(body)
		if err != nil {
			return fmt.Errorf("cannot read expression %q: %v", body, err)
		}
		if aare.AdmitsSlash(re) {
			return fmt.Errorf("expression %q can match a path below the top level", body)
		}
		matcher := regexp.MustCompile("^(?:" + re.String() + ")$")
		if matcher.MatchString("") {
			return fmt.Errorf("expression %q matches the shm directory itself", body)
		}
		for i, object := range objects {
			matched[i] = matched[i] || matcher.MatchString(aare.Latin1(strings.ReplaceAll(object, "*", "x")))
		}
	}
	for i, object := range objects {
		if !matched[i] {
			return fmt.Errorf("no expression matches the object %q", object)
		}
	}
	return nil
}

// The checker must catch the rules that the validator exists to prevent.
func TestCheckTopLevelOfShm(t *testing.T) {
	if _, err := apparmor.ParserPath(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rule, name, err string
	}{
		{`"/{dev,run}/shm/a*" mrwlk,`, "a*", ""},
		{`"/{dev,run}/shm/\$x y" r,`, "$x y", ""},
		{`"/{dev,run}/shm/a**" mrwlk,`, "a**", "can match a path below the top level"},
		{`"/{dev,run}/shm/a/b" r,`, "a/b", "can match a path below the top level"},
		{`"/{dev,run}/shm/?" r,`, "ab", "no expression matches the object"},
		{`"/{dev,run}/shm/{,a}" r,`, "", "matches the shm directory itself"},
		{`"/{dev,run}/shm/a" r,`, "b", "no expression matches the object"},
		{`"/{dev,run}/shm/a" r, "/{dev,run}/shm/b/**" r,`, "a", "can match a path below the top level"},
		{`"/dev/shm/a" r,`, "a", "is outside"},
		{`"/{dev,run}/shm/a" r, "/tmp/a" r,`, "a", "is outside"},
	} {
		tree, err := apparmor.ExpressionTree("profile shm-check {\n  " + c.rule + "\n}\n")
		if err != nil {
			t.Fatalf("%s: %v", c.rule, err)
		}
		err = checkTopLevelOfShm(tree, []string{c.name})
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: unexpected error: %v", c.rule, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one containing %q", c.rule, err, c.err)
		}
	}
}
