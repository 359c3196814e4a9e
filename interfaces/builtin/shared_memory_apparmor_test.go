package builtin_test

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	. "gopkg.in/check.v1"

	"github.com/snapcore/snapd/interfaces"
	snapdapparmor "github.com/snapcore/snapd/interfaces/apparmor"
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/interfaces/mount"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/aare"
)

// sharedMemoryParserSuite compiles what the interface emits with the real
// apparmor_parser.
type sharedMemoryParserSuite struct {
	iface interfaces.Interface
}

var _ = Suite(&sharedMemoryParserSuite{})

func (s *sharedMemoryParserSuite) SetUpSuite(c *C) {
	_, err := apparmor.ParserPath()
	c.Assert(err, IsNil)
	s.iface = builtin.MustInterface("shared-memory")
}

const parserConsumerYaml = `name: consumer
version: 0
apps:
  app:
plugs:
  shm:
    interface: shared-memory
    shared-memory: ipc
`

const parserPrivateYaml = `name: consumer
version: 0
apps:
  app:
plugs:
  shm:
    interface: shared-memory
    private: true
`

const parserProviderYaml = `name: provider
version: 0
apps:
  app:
slots:
  shm:
    interface: shared-memory
    shared-memory: ipc
%s
`

const parserCoreYaml = `name: core
version: 0
type: os
slots:
  shm:
    interface: shared-memory
`

func (s *sharedMemoryParserSuite) connect(c *C, plugYaml, slotYaml string) (*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) {
	return connectWith(c, s.iface, plugYaml, slotYaml)
}

// connectWith sanitizes with iface, as snapd does, and connects.
func connectWith(c *C, iface interfaces.Interface, plugYaml, slotYaml string) (*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) {
	plug, plugInfo := builtin.MockConnectedPlug(c, plugYaml, nil, "shm")
	c.Assert(interfaces.BeforePreparePlug(iface, plugInfo), IsNil)
	slot, slotInfo := builtin.MockConnectedSlot(c, slotYaml, nil, "shm")
	if slotInfo.Snap.Type() == "app" {
		c.Assert(interfaces.BeforePrepareSlot(iface, slotInfo), IsNil)
	}
	return interfaces.NewConnectedPlug(plugInfo, plug.AppSet(), nil, nil),
		interfaces.NewConnectedSlot(slotInfo, slot.AppSet(), nil, nil)
}

var parserExamples = []struct {
	summary, plugYaml, slotYaml string
}{
	{"reference", parserConsumerYaml, fmt.Sprintf(parserProviderYaml, "    write: [students]\n    read: [teachers]")},
	{"wildcards", parserConsumerYaml, fmt.Sprintf(parserProviderYaml, `    write: ["frame-*", "*.lock", "*"]`+"\n"+`    read: ["stats.*", "a*b*c"]`)},
	{"odd but valid names", parserConsumerYaml, fmt.Sprintf(parserProviderYaml, `    write: ["a b", "$x", "#", "a,b", "(x)|y", "é"]`)},
	{"same name twice", parserConsumerYaml, fmt.Sprintf(parserProviderYaml, "    write: [a, a]\n    read: [a]")},
	{"semaphores", parserConsumerYaml, fmt.Sprintf(parserProviderYaml, "    write: [fastrtps_*, sem.fastrtps_*, sem.x]\n    read: [sem.y]")},
	{"semaphores and a bare *", parserConsumerYaml, fmt.Sprintf(parserProviderYaml, `    write: ["*", sem.fastrtps_*]`)},
	{"semaphores read only", parserConsumerYaml, fmt.Sprintf(parserProviderYaml, "    write: [a]\n    read: [sem.y]")},
	{"private", parserPrivateYaml, parserCoreYaml},
}

func (s *sharedMemoryParserSuite) TestSnippetsCompile(c *C) {
	for _, t := range parserExamples {
		comment := Commentf(t.summary)
		plug, slot := s.connect(c, t.plugYaml, t.slotYaml)

		plugSpec := snapdapparmor.NewSpecification(plug.AppSet())
		c.Assert(plugSpec.AddConnectedPlug(s.iface, plug, slot), IsNil, comment)
		slotSpec := snapdapparmor.NewSpecification(slot.AppSet())
		c.Assert(slotSpec.AddConnectedSlot(s.iface, plug, slot), IsNil, comment)

		profiles := map[string]string{
			"snap.consumer.app": plugSpec.SnippetForTag("snap.consumer.app"),
			"snap.provider.app": slotSpec.SnippetForTag("snap.provider.app"),
		}
		for _, updateNS := range plugSpec.UpdateNS() {
			profiles["snap-update-ns.consumer"] += updateNS + "\n"
		}
		for name, rules := range profiles {
			if rules == "" {
				continue
			}
			profile := fmt.Sprintf("profile %q {\n%s\n}\n", name, rules)
			c.Check(apparmor.Compile(profile), IsNil, Commentf("%s: %s", t.summary, profile))
		}
	}
}

// A rejected profile is reported with the parser's message.
func (s *sharedMemoryParserSuite) TestCompileReportsParserErrors(c *C) {
	err := apparmor.Compile("profile broken {\n  \"/dev/shm/a\\\" r,\n}\n")
	c.Check(err, ErrorMatches, `apparmor_parser rejected the profile: .*trailing '\\' escape character.*`)
}

// Declarations that snapd accepts get the very rules and mounts snapd gives,
// but for one more rule for glibc's temporary semaphore name on each side
// that may write a semaphore the slot declares, without a bare "*"; only
// comments may differ.
func (s *sharedMemoryParserSuite) TestSameAsSnapd(c *C) {
	upstream := snapdSharedMemory(c)
	semaphoreRule := semaphoreRuleOf(c, s.iface)
	// The plug side and the slot side of the examples that get the rule.
	semaphoreSides := map[string][2]bool{"semaphores": {true, true}, "semaphores read only": {false, true}}
	for _, t := range parserExamples {
		ours := specsOf(c, s.iface, t.plugYaml, t.slotYaml)
		theirs := specsOf(c, upstream, t.plugYaml, t.slotYaml)
		if semaphoreSides[t.summary][0] {
			theirs.PlugRules += "\n" + semaphoreRule
		}
		if semaphoreSides[t.summary][1] {
			theirs.SlotRules += "\n" + semaphoreRule
		}
		c.Check(ours, DeepEquals, theirs, Commentf(t.summary))
	}
}

func snapdSharedMemory(c *C) interfaces.Interface {
	for _, iface := range snapdbuiltin.Interfaces() {
		if iface.Name() == "shared-memory" {
			return iface
		}
	}
	c.Fatal("snapd has no shared-memory interface")
	return nil
}

// semaphoreRuleOf returns the one rule that a "write" name of semaphores
// adds to the plug's rules, and checks that the slot gets it too.
func semaphoreRuleOf(c *C, iface interfaces.Interface) string {
	specs := specsOf(c, iface, parserConsumerYaml, fmt.Sprintf(parserProviderYaml, "    write: [sem.x]"))
	lines := strings.Split(specs.PlugRules, "\n")
	c.Assert(lines, HasLen, 2)
	c.Assert(lines[0], Equals, `"/{dev,run}/shm/sem.x" mrwlk,`)
	c.Assert(specs.SlotRules, Equals, specs.PlugRules)
	return lines[1]
}

// The rule for glibc's temporary semaphore name matches "sem." and 6
// characters of [A-Za-z0-9] in /dev/shm and /run/shm, owned by the process,
// and nothing else.
func (s *sharedMemoryParserSuite) TestSemaphoreRuleMatches(c *C) {
	rule := semaphoreRuleOf(c, s.iface)
	c.Check(rule, Matches, `owner .*`)
	tree, err := apparmor.ExpressionTree("profile shm-semaphore {\n  " + rule + "\n}\n")
	c.Assert(err, IsNil)
	matcher, err := aare.Matcher(tree)
	c.Assert(err, IsNil)
	for _, path := range []string{"/dev/shm/sem.Ab3xY9", "/run/shm/sem.000000", "/dev/shm/sem.zzzzzz", "/dev/shm/sem.AAAAAA"} {
		c.Check(matcher.MatchString(path), Equals, true, Commentf("%s, tree %s", path, tree))
	}
	for _, path := range []string{
		"/dev/shm/sem.Ab3xY", "/dev/shm/sem.Ab3xY99", "/dev/shm/sem.", "/dev/shm/sem.ab/cde", "/dev/shm/sem.abc/de/",
		"/dev/shm/sem.snap.other.x", "/dev/shm/sem.snap.o", "/dev/shm/sem.ab-cde", "/dev/shm/sem.ab.cde",
		"/dev/shm/sem.ab*cde", "/dev/shm/sem.abcd\xc3", "/dev/shm/sem.abcdé", "/dev/shm/sem.abcde\x00",
		"/dev/shm/Ab3xY9", "/dev/shm/xsem.Ab3xY9", "/tmp/sem.Ab3xY9", "/dev/shm/sub/sem.Ab3xY9", "/dev/shm/snap.x/sem.Ab3xY9",
	} {
		c.Check(matcher.MatchString(aare.Latin1(path)), Equals, false, Commentf("%q, tree %s", path, tree))
	}
	// Every alternative stays in the top level of the shm directories.
	c.Check(checkTopLevelOfShm(tree, []string{"sem.Ab3xY9"}), IsNil)
}

type sharedMemorySpecs struct {
	PlugRules, SlotRules string
	UpdateNS             []string
	Mounts               []string
}

func specsOf(c *C, iface interfaces.Interface, plugYaml, slotYaml string) sharedMemorySpecs {
	plug, slot := connectWith(c, iface, plugYaml, slotYaml)
	plugSpec := snapdapparmor.NewSpecification(plug.AppSet())
	c.Assert(plugSpec.AddConnectedPlug(iface, plug, slot), IsNil)
	slotSpec := snapdapparmor.NewSpecification(slot.AppSet())
	c.Assert(slotSpec.AddConnectedSlot(iface, plug, slot), IsNil)
	mountSpec := &mount.Specification{}
	c.Assert(mountSpec.AddConnectedPlug(iface, plug, slot), IsNil)
	specs := sharedMemorySpecs{
		PlugRules: rulesOnly(plugSpec.SnippetForTag("snap.consumer.app")),
		SlotRules: rulesOnly(slotSpec.SnippetForTag("snap.provider.app")),
	}
	for _, snippet := range plugSpec.UpdateNS() {
		specs.UpdateNS = append(specs.UpdateNS, rulesOnly(snippet))
	}
	for _, entry := range mountSpec.MountEntries() {
		specs.Mounts = append(specs.Mounts, entry.String())
	}
	return specs
}

// rulesOnly drops the comments and blank lines of an AppArmor snippet.
func rulesOnly(snippet string) string {
	var rules []string
	for _, line := range strings.Split(snippet, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	return strings.Join(rules, "\n")
}

// limitNames returns n random names of length bytes, each with globs "*"
// spread over it, or at its front when front is set; every other one names
// semaphores. The same arguments give the same names.
func limitNames(n, length, globs int, front bool) []string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."
	random := rand.New(rand.NewSource(int64(n*1000 + length*10 + globs)))
	names := make([]string, n)
	for i := range names {
		name := make([]byte, length)
		for j := range name {
			name[j] = chars[random.Intn(len(chars))]
		}
		if i%2 == 0 && length > 8 {
			copy(name, "sem.")
		}
		for g := 0; g < globs; g++ {
			at := 4 + (g+1)*(length-5)/(globs+1)
			if front {
				at = 5 + 2*g
			}
			name[at] = '*'
		}
		names[i] = string(name)
	}
	return names
}

// The largest slots that the limits let through, in the shapes that cost
// apparmor_parser the most, compile on both sides of a full profile; one
// name more is refused. The limits: 255 bytes and 4 "*" a name; 1024 names
// and 16384 bytes a slot, each "*" counting its name's length again.
func (s *sharedMemoryParserSuite) TestLimitsCompile(c *C) {
	for _, t := range []struct {
		summary string
		names   []string
	}{
		{"64 names of 255 bytes", limitNames(65, 255, 0, false)},
		{"32 names of 255 bytes with a glob at the front", limitNames(33, 255, 1, true)},
		{"21 names of 255 bytes with 2 globs", limitNames(22, 255, 2, false)},
		{"12 names of 255 bytes with 4 globs", limitNames(13, 255, 4, false)},
		{"1024 names of 16 bytes", limitNames(1025, 16, 0, false)},
		{"1024 names of 8 bytes with a glob", limitNames(1025, 8, 1, false)},
		{"102 names of 32 bytes with 4 globs", limitNames(103, 32, 4, false)},
	} {
		comment := Commentf(t.summary)
		atLimit, over := t.names[:len(t.names)-1], t.names
		_, slotInfo := builtin.MockConnectedSlot(c, limitProviderYaml(over), nil, "shm")
		c.Check(interfaces.BeforePrepareSlot(s.iface, slotInfo), ErrorMatches, `shared-memory interface (cannot have more than 1024|"read" and "write" paths cannot be longer) .*`, comment)

		yaml := limitProviderYaml(atLimit)
		_, slotInfo = builtin.MockConnectedSlot(c, yaml, nil, "shm")
		c.Assert(interfaces.BeforePrepareSlot(s.iface, slotInfo), IsNil, comment)
		result, err := apparmor.Generate(system.Setup{
			Snaps:       []system.Snap{{YAML: []byte(parserConsumerYaml)}, {YAML: []byte(yaml)}},
			Connections: []system.Connection{{PlugSnap: "consumer", Plug: "shm", SlotSnap: "provider", Slot: "shm"}},
		}, apparmor.Options{Compile: true})
		c.Assert(err, IsNil, comment)
		for _, profile := range result.Files {
			if profile.Name == "snap.consumer.app" || profile.Name == "snap.provider.app" {
				c.Check(strings.Count(profile.Text, `"/{dev,run}/shm/`) >= len(atLimit), Equals, true, comment)
			}
		}
	}
}

// limitProviderYaml returns a provider whose slot writes the first half of
// names and reads the rest.
func limitProviderYaml(names []string) string {
	var write, read []string
	for i, name := range names {
		if i < len(names)/2 {
			write = append(write, strconv.Quote(name))
		} else {
			read = append(read, strconv.Quote(name))
		}
	}
	return fmt.Sprintf(parserProviderYaml, "    write: ["+strings.Join(write, ", ")+"]\n    read: ["+strings.Join(read, ", ")+"]")
}
