package apparmor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	snapdapparmor "github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/release"
	"github.com/snapcore/snapd/snap"
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/golden"
)

func Test(t *testing.T) { TestingT(t) }

type profilesSuite struct{}

var _ = Suite(&profilesSuite{})

func (s *profilesSuite) SetUpSuite(c *C) {
	if _, err := apparmor.ParserPath(); err != nil {
		c.Fatalf("these tests compile profiles: %v", err)
	}
}

func exampleYAML(c *C, name string) []byte {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	c.Assert(err, IsNil)
	return data
}

type goldenCase struct {
	name  string
	snaps []system.Snap
	conns []system.Connection
}

func goldenCases(c *C) []goldenCase {
	return []goldenCase{{
		name: "reference",
		snaps: []system.Snap{
			{YAML: exampleYAML(c, "reference/provider.yaml")},
			{YAML: exampleYAML(c, "reference/consumer.yaml")},
		},
		conns: []system.Connection{{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "shmem"}},
	}, {
		name: "wildcard",
		snaps: []system.Snap{
			{YAML: exampleYAML(c, "wildcard/provider.yaml")},
			{YAML: exampleYAML(c, "wildcard/consumer.yaml")},
		},
		conns: []system.Connection{{PlugSnap: "viewer", Plug: "frames", SlotSnap: "sensors", Slot: "frames"}},
	}, {
		name: "private",
		snaps: []system.Snap{
			{YAML: exampleYAML(c, "private/consumer.yaml")},
			{YAML: exampleYAML(c, "private/core.yaml")},
		},
		conns: []system.Connection{{PlugSnap: "scratchpad", Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"}},
	}, {
		name: "private-parallel",
		snaps: []system.Snap{
			{YAML: exampleYAML(c, "private/consumer.yaml"), InstanceKey: "foo"},
			{YAML: exampleYAML(c, "private/core.yaml")},
		},
		conns: []system.Connection{{PlugSnap: "scratchpad_foo", Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"}},
	}}
}

// Each case's golden directory holds one file per profile, named as the
// profile.
func (s *profilesSuite) TestGolden(c *C) {
	for _, t := range goldenCases(c) {
		result, err := apparmor.Generate(system.Setup{Snaps: t.snaps, Connections: t.conns}, apparmor.Options{})
		c.Assert(err, IsNil, Commentf("case %s", t.name))
		files := make(map[string]string)
		for _, profile := range result.Files {
			files[profile.Name] = profile.Text
			comment := Commentf("case %s, profile %s", t.name, profile.Name)
			c.Check(apparmor.Compile(profile.Text), IsNil, comment)
			c.Check(strings.Contains(profile.Text, "snapd-shm-root-"), Equals, false, comment)
		}
		golden.Dir(c, filepath.Join("testdata", t.name), files)
	}
}

func (s *profilesSuite) TestProfileNames(c *C) {
	for _, t := range []struct {
		snaps []system.Snap
		conns []system.Connection
		names []string
	}{
		{goldenCases(c)[0].snaps, goldenCases(c)[0].conns, []string{
			"snap-update-ns.consumer", "snap-update-ns.provider", "snap.consumer.client", "snap.provider.server"}},
		// core has no apps: no profile of its own.
		{goldenCases(c)[3].snaps, goldenCases(c)[3].conns, []string{
			"snap-update-ns.scratchpad_foo", "snap.scratchpad_foo.worker"}},
	} {
		result, err := apparmor.Generate(system.Setup{Snaps: t.snaps, Connections: t.conns}, apparmor.Options{})
		c.Assert(err, IsNil)
		var names []string
		for _, profile := range result.Files {
			names = append(names, profile.Name)
		}
		c.Check(names, DeepEquals, t.names)
	}
}

func (s *profilesSuite) TestRules(c *C) {
	cases := goldenCases(c)
	for _, t := range []struct {
		caseIndex      int
		profile        string
		contains       []string
		doesNotContain []string
	}{
		{0, "snap.consumer.client", []string{`"/{dev,run}/shm/students" mrwlk,`, `"/{dev,run}/shm/teachers" r,`}, []string{`"/dev/shm/**"`}},
		{0, "snap.provider.server", []string{`"/{dev,run}/shm/students" mrwlk,`, `"/{dev,run}/shm/teachers" mrwlk,`}, nil},
		{0, "snap-update-ns.consumer", nil, []string{"/dev/shm/snap."}},
		{1, "snap.viewer.viewer", []string{`"/{dev,run}/shm/frame-*" mrwlk,`, `"/{dev,run}/shm/stats.*" r,`}, nil},
		{2, "snap.scratchpad.worker", []string{`"/dev/shm/**" mrwlkix,`}, []string{`"/{dev,run}/shm/`}},
		{2, "snap-update-ns.scratchpad", []string{`mount options=(bind, rw) /dev/shm/snap.scratchpad/ -> /dev/shm/,`}, nil},
		{3, "snap-update-ns.scratchpad_foo", []string{
			`mount options=(bind, rw) /dev/shm/snap.scratchpad_foo/ -> /dev/shm/,`,
			`mount options=(rw rbind) /snap/scratchpad_foo/ -> /snap/scratchpad/,`}, nil},
	} {
		comment := Commentf("%s in case %s", t.profile, cases[t.caseIndex].name)
		setup := system.Setup{Snaps: cases[t.caseIndex].snaps, Connections: cases[t.caseIndex].conns}
		result, err := apparmor.Generate(setup, apparmor.Options{})
		c.Assert(err, IsNil, comment)
		text := profileText(result.Files, t.profile)
		c.Assert(text, Not(Equals), "", comment)
		for _, rule := range t.contains {
			c.Check(strings.Contains(text, rule), Equals, true, Commentf("%s lacks %s", t.profile, rule))
		}
		for _, rule := range t.doesNotContain {
			c.Check(strings.Contains(text, rule), Equals, false, Commentf("%s has %s", t.profile, rule))
		}
	}
}

func profileText(profiles []system.File, name string) string {
	for _, profile := range profiles {
		if profile.Name == name {
			return profile.Text
		}
	}
	return ""
}

// An os snap that declares no shared-memory slot has the implicit one.
func (s *profilesSuite) TestImplicitSystemSlot(c *C) {
	core := []byte("name: core\nversion: \"16\"\ntype: os\n")
	result, err := apparmor.Generate(system.Setup{
		Snaps:       []system.Snap{{YAML: exampleYAML(c, "private/consumer.yaml")}, {YAML: core}},
		Connections: []system.Connection{{PlugSnap: "scratchpad", Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"}},
	}, apparmor.Options{})
	c.Assert(err, IsNil)
	c.Check(profileText(result.Files, "snap.scratchpad.worker"), Matches, `(?s).*"/dev/shm/\*\*" mrwlkix,.*`)
}

func (s *profilesSuite) TestBadInput(c *C) {
	provider := exampleYAML(c, "reference/provider.yaml")
	consumer := exampleYAML(c, "reference/consumer.yaml")
	conn := system.Connection{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "shmem"}
	privateWithID := []byte(`name: consumer
version: "1.0"
apps:
  client:
    command: bin/client
    plugs: [my-ipc]
plugs:
  my-ipc:
    interface: shared-memory
    shared-memory: my-ipc
    private: true
`)
	emptySlot := []byte(`name: provider
version: "1.0"
apps:
  server:
    command: bin/server
slots:
  shmem:
    interface: shared-memory
`)
	for _, t := range []struct {
		summary string
		snaps   []system.Snap
		conns   []system.Connection
		err     string
	}{
		{"invalid yaml", []system.Snap{{YAML: []byte("name: [")}}, nil,
			`cannot use snap #1: .*yaml.*`},
		{"bad instance key", []system.Snap{{YAML: consumer, InstanceKey: "Bad!"}}, nil,
			`cannot use snap #1: invalid instance key: "Bad!"`},
		{"snap twice", []system.Snap{{YAML: consumer}, {YAML: consumer}}, nil,
			`cannot use snap "consumer": cannot register interfaces for snap "consumer" more than once`},
		{"unknown plug", []system.Snap{{YAML: provider}, {YAML: consumer}},
			[]system.Connection{{PlugSnap: "consumer", Plug: "nope", SlotSnap: "provider", Slot: "shmem"}},
			`cannot connect plug "nope" from snap "consumer": no such plug`},
		{"unknown slot", []system.Snap{{YAML: provider}, {YAML: consumer}},
			[]system.Connection{{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "nope"}},
			`cannot connect slot "nope" from snap "provider": no such slot`},
		{"unknown snap", []system.Snap{{YAML: consumer}}, []system.Connection{conn},
			`cannot connect slot "shmem" from snap "provider": no such slot`},
		{"rejected plug", []system.Snap{{YAML: provider}, {YAML: privateWithID}}, []system.Connection{conn},
			`cannot use snap #2: snap "consumer" has bad plugs or slots: plug "my-ipc": shared-memory "shared-memory" attribute must not be set together with "private: true"`},
		{"rejected slot", []system.Snap{{YAML: emptySlot}, {YAML: consumer}}, []system.Connection{conn},
			`cannot use snap #1: snap "provider" has bad plugs or slots: slot "shmem": shared memory interface requires at least a valid "read" or "write" attribute`},
	} {
		result, err := apparmor.Generate(system.Setup{Snaps: t.snaps, Connections: t.conns}, apparmor.Options{})
		c.Check(err, ErrorMatches, t.err, Commentf(t.summary))
		c.Check(result, IsNil, Commentf(t.summary))
	}
}

// badRuleInterface adds a rule that apparmor_parser rejects to every app
// that plugs it.
type badRuleInterface struct{}

const badRule = `/dev/shm/bad-rule-marker bogus,`

func (iface *badRuleInterface) Name() string { return "bad-rule" }

func (iface *badRuleInterface) AutoConnect(*snap.PlugInfo, *snap.SlotInfo) bool { return false }

func (iface *badRuleInterface) AppArmorPermanentPlug(spec *snapdapparmor.Specification, plug *snap.PlugInfo) error {
	spec.AddSnippet(badRule)
	return nil
}

func (s *profilesSuite) TestParserRejection(c *C) {
	registry := registry.Registry{
		Interfaces:         func() []interfaces.Interface { return []interfaces.Interface{&badRuleInterface{}} },
		SanitizePlugsSlots: func(*snap.Info) {},
	}
	broken := []byte(`name: broken
version: "1.0"
apps:
  app:
    command: bin/app
    plugs: [bad-rule]
`)
	result, err := apparmor.Generate(system.Setup{Snaps: []system.Snap{{YAML: broken}}, Registry: registry}, apparmor.Options{Compile: true})
	c.Check(result, IsNil)
	c.Assert(err, NotNil)
	c.Check(err, ErrorMatches, `apparmor_parser rejected profile "snap.broken.app" at line [0-9]+ \("`+badRule+`"\): syntax error, .*`)
	c.Logf("%v", err)
	c.Check(err, Not(ErrorMatches), `.*`+os.TempDir()+`.*`)
}

// Callers find snapd's globals as they left them.
func (s *profilesSuite) TestGlobalsRestored(c *C) {
	root := c.MkDir()
	dirs.SetRootDir(root)
	defer dirs.SetRootDir("")
	restoreClassic := release.MockOnClassic(false)
	defer restoreClassic()
	releaseInfo := release.ReleaseInfo
	appArmorDir := dirs.SnapAppArmorDir

	t := goldenCases(c)[0]
	_, err := apparmor.Generate(system.Setup{Snaps: t.snaps, Connections: t.conns}, apparmor.Options{})
	c.Assert(err, IsNil)
	c.Check(dirs.GlobalRootDir, Equals, root)
	c.Check(dirs.SnapAppArmorDir, Equals, appArmorDir)
	c.Check(release.OnClassic, Equals, false)
	c.Check(release.ReleaseInfo, DeepEquals, releaseInfo)
	_, err = os.Stat(appArmorDir)
	c.Check(os.IsNotExist(err), Equals, true)
}
