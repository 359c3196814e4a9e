package suggest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/suggest"
)

func Test(t *testing.T) { TestingT(t) }

type suggestSuite struct{}

var _ = Suite(&suggestSuite{})

// denied is one kernel line of a denial, in dmesg's form.
func denied(profile, operation, name, mask string) string {
	return fmt.Sprintf(`[   12.345678] audit: type=1400 audit(1701.123:45): apparmor="DENIED" operation=%q class="file" profile=%q name=%q pid=123 comm="talker" requested_mask=%q denied_mask=%q fsuid=0 ouid=0`,
		operation, profile, name, mask, mask)
}

// ros2Log is a Fast DDS talker and listener without a connection: each
// creates its segment and the port, the talker links its semaphore.
var ros2Log = strings.Join([]string{
	"[RTPS_TRANSPORT_SHM Error] Failed to create segment 4d6b9f0c2a1e7d35: Permission denied",
	denied("snap.ros2-talker.talker", "mknod", "/dev/shm/fastrtps_4d6b9f0c2a1e7d35", "c"),
	denied("snap.ros2-talker.talker", "mknod", "/dev/shm/fastrtps_port7411", "c"),
	denied("snap.ros2-talker.talker", "mknod", "/dev/shm/sem.Xk29Qa", "c"),
	`[   12.345681] audit: type=1400 audit(1701.123:48): apparmor="DENIED" operation="link" class="file" profile="snap.ros2-talker.talker" name="/dev/shm/sem.fastrtps_port7411_mutex" pid=123 comm="talker" requested_mask="l" denied_mask="l" fsuid=0 ouid=0 target="/dev/shm/sem.Xk29Qa"`,
	denied("snap.ros2-talker.talker", "mknod", "/dev/shm/sem.Xk29Qa", "c"),
	denied("snap.ros2-listener.listener", "mknod", "/dev/shm/fastrtps_9a0b1c2d3e4f5a6b", "c"),
	denied("snap.ros2-listener.listener", "open", "/dev/shm/fastrtps_port7411", "wr"),
	denied("snap.ros2-listener.listener", "open", "/dev/shm/sem.fastrtps_port7411_mutex", "wr"),
	denied("snap.ros2-listener.listener", "open", "/dev/shm/sem.fastrtps_port7412_mutex", "wr"),
}, "\n")

func (s *suggestSuite) TestROS2(c *C) {
	result, err := suggest.Suggest(ros2Log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(result.Snaps, DeepEquals, []suggest.Snap{{
		Instance: "ros2-listener",
		Plugs:    map[string]map[string]interface{}{"fastrtps": {"interface": "shared-memory", "shared-memory": "fastrtps"}},
		Apps:     []string{"listener"},
	}, {
		Instance: "ros2-talker",
		Slots: map[string]map[string]interface{}{"fastrtps": {"interface": "shared-memory", "shared-memory": "fastrtps",
			"write": []string{"fastrtps_*", "sem.fastrtps_*_mutex"}}},
		Apps: []string{"talker"},
	}})
	c.Check(result.Connections, DeepEquals, []suggest.Connection{{"ros2-listener", "fastrtps", "ros2-talker", "fastrtps"}})
	c.Check(result.Connections[0].String(), Equals, "snap connect ros2-listener:fastrtps ros2-talker:fastrtps")
	// glibc's temporary names are covered: not listed, not undeclarable.
	c.Check(result.Undeclarable, DeepEquals, []suggest.Undeclarable{})
	c.Check(result.Skipped, DeepEquals, []suggest.Skipped{{suggest.NotRecord, 1}, {suggest.Repeated, 1}})
	c.Check(result.Notes, DeepEquals, []string{`ros2-listener plugs ros2-talker's slot "fastrtps": ros2-listener opens "fastrtps_port7411", which ros2-talker creates`,
		`ros2-talker and ros2-listener each create objects that the names cover: ros2-talker offers them all in one slot, "fastrtps", and its plugs may create them too`})
	c.Check(result.Warnings, DeepEquals, []string{})
	c.Check(result.Check, IsNil)
	c.Check(string(result.Snaps[1].YAML()), Equals, `slots:
  fastrtps:
    interface: shared-memory
    shared-memory: fastrtps
    write:
    - fastrtps_*
    - sem.fastrtps_*_mutex
`)

	exact, err := suggest.Suggest(ros2Log, suggest.Options{Exact: true})
	c.Assert(err, IsNil)
	// Only the slot snap touches its segment: "read" does for it.
	c.Check(exact.Snaps[1].Slots["fastrtps"]["read"], DeepEquals, []string{"fastrtps_4d6b9f0c2a1e7d35"})
	c.Check(exact.Snaps[1].Slots["fastrtps"]["write"], DeepEquals, []string{"fastrtps_9a0b1c2d3e4f5a6b", "fastrtps_port7411", "sem.fastrtps_port7411_mutex"})
	c.Check(exact.Undeclarable, DeepEquals, []suggest.Undeclarable{{"ros2-listener", "sem.fastrtps_port7412_mutex", suggest.NoCreator}})
}

func (s *suggestSuite) TestForms(c *C) {
	record := `apparmor="DENIED" operation="mknod" class="file" profile="snap.talker.talker" name="/dev/shm/fastrtps_x" pid=123 comm="talker" requested_mask="c" denied_mask="c" fsuid=0 ouid=0`
	open := `apparmor="DENIED" operation="open" class="file" profile="snap.listener.listener" name=2F6465762F73686D2F66617374727470735F78 pid=124 comm="listener" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`
	for _, prefix := range []string{
		`[   12.345678] audit: type=1400 audit(1701.123:45): `,
		`Dec 03 10:00:00 host kernel: audit: type=1400 audit(1701.123:45): `,
		`Dec  3 10:00:00 host kernel: [   12.345678] audit: type=1400 audit(1701.123:45): `,
		`type=AVC msg=audit(1701.123:45): `,
	} {
		result, err := suggest.Suggest(prefix+record+"\n"+prefix+open+"\n", suggest.Options{})
		c.Assert(err, IsNil)
		c.Check(result.Snaps, DeepEquals, []suggest.Snap{{
			Instance: "listener",
			Plugs:    map[string]map[string]interface{}{"fastrtps": {"interface": "shared-memory", "shared-memory": "fastrtps"}},
			Apps:     []string{"listener"},
		}, {
			Instance: "talker",
			Slots:    map[string]map[string]interface{}{"fastrtps": {"interface": "shared-memory", "shared-memory": "fastrtps", "read": []string{"fastrtps_x"}}},
			Apps:     []string{"talker"},
		}}, Commentf("%s", prefix))
		c.Check(result.Skipped, DeepEquals, []suggest.Skipped{}, Commentf("%s", prefix))
	}
}

// slotNames returns the read and write names of the one slot suggested.
func slotNames(c *C, log string, opts suggest.Options) (read, write interface{}) {
	result, err := suggest.Suggest(log, opts)
	c.Assert(err, IsNil)
	for _, s := range result.Snaps {
		for _, slot := range s.Slots {
			return slot["read"], slot["write"]
		}
	}
	c.Fatalf("no slot in %+v", result)
	return nil, nil
}

func (s *suggestSuite) TestFewestNames(c *C) {
	for _, t := range []struct {
		names []string
		want  []string
	}{
		{[]string{"fastrtps_4d6b9f0c2a1e7d35", "fastrtps_port7411"}, []string{"fastrtps_*"}},
		// seen once, a name stays exact
		{[]string{"fastrtps_port7411"}, []string{"fastrtps_port7411"}},
		// names that share no first word are never a bare "*"
		{[]string{"a1", "b2", "_x"}, []string{"_x", "a1", "b2"}},
		{[]string{"1x", "2y"}, []string{"1x", "2y"}},
		// the first word stays whole, and "sem." is never alone
		{[]string{"sem.ab", "sem.ab_c"}, []string{"sem.ab*"}},
		{[]string{"sem.a", "sem.b"}, []string{"sem.a", "sem.b"}},
		{[]string{"x0_y", "x1_y", "x2_y"}, []string{"x*_y"}},
		{[]string{".org.chromium.Chromium.AbC", ".org.chromium.Chromium.xY"}, []string{".org.chromium.Chromium.*"}},
		// a suffix begins at a separator, a prefix ends at one
		{[]string{"app_735", "app_7415"}, []string{"app_*"}},
		{[]string{"app-1.lock", "app-22.lock"}, []string{"app-*.lock"}},
		// a prefix does not end inside a character
		{[]string{"dé_ü1", "dé_ü2"}, []string{"dé_*"}},
	} {
		var lines []string
		for _, name := range t.names {
			lines = append(lines, denied("snap.provider.app", "mknod", "/dev/shm/"+name, "wc"), denied("snap.consumer.app", "open", "/dev/shm/"+name, "wr"))
		}
		_, write := slotNames(c, strings.Join(lines, "\n"), suggest.Options{})
		c.Check(write, DeepEquals, t.want, Commentf("%q", t.names))
	}
}

func (s *suggestSuite) TestReadWrite(c *C) {
	// The plug only reads: "read", which the slot may write too.
	read, write := slotNames(c, denied("snap.provider.app", "open", "/dev/shm/data", "wrc")+"\n"+denied("snap.consumer.app", "open", "/dev/shm/data", "r"), suggest.Options{})
	c.Check(read, DeepEquals, []string{"data"})
	c.Check(write, IsNil)
	// mmap and lock need "write".
	for _, mask := range []string{"w", "m", "k", "a", "rl"} {
		read, write = slotNames(c, denied("snap.provider.app", "mknod", "/dev/shm/data", "c")+"\n"+denied("snap.consumer.app", "open", "/dev/shm/data", mask), suggest.Options{})
		c.Check([]interface{}{read, write}, DeepEquals, []interface{}{nil, []string{"data"}}, Commentf("%s", mask))
	}
	// A semaphore is always "write": sem_open opens it read-write.
	read, write = slotNames(c, denied("snap.provider.app", "mknod", "/dev/shm/sem.data", "c")+"\n"+denied("snap.consumer.app", "open", "/dev/shm/sem.data", "r"), suggest.Options{})
	c.Check([]interface{}{read, write}, DeepEquals, []interface{}{nil, []string{"sem.data"}})
}

func (s *suggestSuite) TestPrivate(c *C) {
	log := strings.Join([]string{
		denied("snap.chromium.chromium", "open", "/dev/shm/.org.chromium.Chromium.AbC123", "wrc"),
		denied("snap.chromium.chromium", "open", "/dev/shm/.org.chromium.Chromium.xYz789", "wrc"),
		denied("snap.chromium.hook.configure", "mknod", "/run/shm/.org.chromium.Chromium.q1", "c"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(result.Snaps, DeepEquals, []suggest.Snap{{
		Instance: "chromium",
		Plugs:    map[string]map[string]interface{}{"shared-memory": {"private": true}},
		Apps:     []string{"chromium"},
		Hooks:    []string{"configure"},
	}})
	c.Check(string(result.Snaps[0].YAML()), Equals, "plugs:\n  shared-memory:\n    private: true\n")
	c.Check(result.Connections[0].String(), Equals, "snap connect chromium:shared-memory :shared-memory")
	c.Check(result.Notes, DeepEquals, []string{"chromium: no other snap touches its objects, so a private /dev/shm serves it: its /dev/shm becomes its own, and other snaps no longer see its objects"})
}

func (s *suggestSuite) TestUndeclarable(c *C) {
	log := strings.Join([]string{
		denied("snap.ab.ab", "mknod", "/dev/shm/ok_1", "c"),
		// refused by the interface
		`audit: apparmor="DENIED" operation="mknod" profile="snap.ab.ab" name="/dev/shm/a\b" requested_mask="c"`,
		`audit: apparmor="DENIED" operation="open" profile="snap.ab.ab" name="/dev/shm/a\b" requested_mask="wc"`,
		`audit: apparmor="DENIED" operation="mknod" profile="snap.ab.ab" name=2F6465762F73686D2F610A62 requested_mask="c"`,
		`audit: apparmor="DENIED" operation="mknod" profile="snap.ab.ab" name=2F6465762F73686D2F612A62 requested_mask="c"`,
		// a quote, hex-encoded
		`audit: apparmor="DENIED" operation="mknod" profile="snap.ab.ab" name=2F6465762F73686D2F6122207069643D31 requested_mask="c"`,
		// opened, never created by a snap
		denied("snap.ab.ab", "open", "/dev/shm/pulse-shm-1", "r"),
		// a temporary semaphore name alone, listed once
		denied("snap.cd.cd", "mknod", "/dev/shm/sem.Xk29Qa", "c"),
		denied("snap.cd.cd", "open", "/dev/shm/sem.Xk29Qa", "wc"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(result.Undeclarable, DeepEquals, []suggest.Undeclarable{
		{"ab", `a\b`, `shared-memory interface path is invalid: "a\\b" contains a reserved apparmor char from ?[]{}^"\` + "\x00"},
		{"ab", "a\nb", `shared-memory interface path is invalid: "a\nb" contains control character '\n'`},
		{"ab", "a*b", suggest.Glob},
		{"ab", `a" pid=1`, `shared-memory interface path is invalid: "a\" pid=1" contains a reserved apparmor char from ?[]{}^"\` + "\x00"},
		{"ab", "pulse-shm-1", suggest.NoCreator},
		{"cd", "sem.Xk29Qa", suggest.NoSemaphore},
	})
	c.Check(result.Snaps, HasLen, 1)
	c.Check(result.Snaps[0].Instance, Equals, "ab")
}

func (s *suggestSuite) TestSkipped(c *C) {
	log := strings.Join([]string{
		"[    0.000000] Linux version 6.1.0",
		"",
		denied("/usr/bin/man", "open", "/dev/shm/x", "r"),
		denied("snap-update-ns.ab", "open", "/dev/shm/x", "r"),
		denied("snap.Bad_Name.app", "open", "/dev/shm/x", "r"),
		denied("snap.ab", "open", "/dev/shm/x", "r"),
		denied("snap.ab.ab", "open", "/etc/shadow", "r"),
		denied("snap.ab.ab", "open", "/dev/shm/snap.ab/x", "r"),
		denied("snap.ab.ab", "open", "/dev/shm/", "r"),
		strings.Replace(denied("snap.ab.ab", "mknod", "/dev/shm/x", "c"), "DENIED", "AUDIT", 1),
		denied("snap.ab.ab", "mknod", "/dev/shm/y", "c"),
		denied("snap.ab.ab", "mknod", "/dev/shm/y", "c"),
		denied("snap.ab.ab", "mknod", "/dev/shm/y", "c"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(result.Skipped, DeepEquals, []suggest.Skipped{
		{suggest.NotRecord, 1}, {suggest.NotDenied, 1}, {suggest.NotSnap, 4}, {suggest.NotInShm, 3}, {suggest.Repeated, 2},
	})
	c.Check(result.Snaps, HasLen, 1)
}

func (s *suggestSuite) TestMutual(c *C) {
	// Each creates what the other opens; one slot, at the snap that
	// creates more.
	log := strings.Join([]string{
		denied("snap.left.app", "mknod", "/dev/shm/left_a", "c"),
		denied("snap.left.app", "mknod", "/dev/shm/both_1", "c"),
		denied("snap.right.app", "open", "/dev/shm/left_a", "r"),
		denied("snap.right.app", "mknod", "/dev/shm/both_2", "c"),
		denied("snap.left.app", "open", "/dev/shm/both_2", "r"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(result.Snaps[0].Slots, DeepEquals, map[string]map[string]interface{}{"left": {
		"interface": "shared-memory", "shared-memory": "left", "read": []string{"left_a"}, "write": []string{"both_*"}}})
	c.Check(result.Snaps[1].Plugs, DeepEquals, map[string]map[string]interface{}{"left": {"interface": "shared-memory", "shared-memory": "left"}})
	c.Check(result.Notes, DeepEquals, []string{`right plugs left's slot "left": right opens "left_a", which left creates`,
		`left and right each create objects that the names cover: left offers them all in one slot, "left", and its plugs may create them too`})
}

func (s *suggestSuite) TestLimits(c *C) {
	var lines []string
	for i := 0; i < 1100; i++ {
		lines = append(lines, denied("snap.ab.ab", "mknod", fmt.Sprintf("/dev/shm/x%d_y", i), "c"), denied("snap.cd.cd", "open", fmt.Sprintf("/dev/shm/x%d_y", i), "r"))
	}
	log := strings.Join(lines, "\n")
	read, _ := slotNames(c, log, suggest.Options{})
	c.Check(read, DeepEquals, []string{"x*_y"})
	_, err := suggest.Suggest(log, suggest.Options{Exact: true})
	c.Check(err, ErrorMatches, `cannot suggest plugs and slots for snap "ab": shared-memory interface cannot have more than 1024 "read" and "write" paths, not 1100`)
}

// A log that names more snaps, apps or names than Suggest keeps is
// refused, naming the first one past the bound.
func (s *suggestSuite) TestBounds(c *C) {
	for _, t := range []struct {
		max  int
		line func(i int) string
		err  string
	}{
		{suggest.MaxSnaps, func(i int) string { return denied(fmt.Sprintf("snap.s%d.a", i), "mknod", "/dev/shm/x", "c") },
			`cannot suggest: the log names more than 64 snaps denied in /dev/shm, such as "s64": give the part with the snaps to declare`},
		{suggest.MaxApps, func(i int) string { return denied(fmt.Sprintf("snap.s%d.a%d", i%2, i), "mknod", "/dev/shm/x", "c") },
			`cannot suggest: the log names more than 256 apps and hooks denied in /dev/shm, such as "s0.a256": give the part with the snaps to declare`},
		{suggest.MaxNames, func(i int) string { return denied("snap.ss.a", "mknod", fmt.Sprintf("/dev/shm/x%d", i), "c") },
			`cannot suggest: the log names more than 4096 names denied in /dev/shm, such as "x4096": give the part with the snaps to declare`},
	} {
		var lines []string
		for i := 0; i <= t.max; i++ {
			lines = append(lines, t.line(i))
		}
		_, err := suggest.Suggest(strings.Join(lines, "\n"), suggest.Options{})
		c.Check(err, ErrorMatches, regexp.QuoteMeta(t.err))
		_, err = suggest.Suggest(strings.Join(lines[:t.max], "\n"), suggest.Options{})
		c.Check(err, Not(ErrorMatches), "cannot suggest: the log names more .*")
	}
}

func (s *suggestSuite) TestCheck(c *C) {
	result, err := suggest.Suggest(ros2Log, suggest.Options{Check: true})
	c.Assert(err, IsNil)
	c.Check(result.Check, DeepEquals, &suggest.Check{Profiles: []string{
		"snap-update-ns.ros2-listener", "snap-update-ns.ros2-talker", "snap.ros2-listener.listener", "snap.ros2-talker.talker"}})
}

// A semaphore refused at glibc's temporary name leaves its own name out of
// the log: the slot gets "sem." and the other names' patterns, with a note;
// --exact lists no guess.
func (s *suggestSuite) TestInferredSemaphores(c *C) {
	log := strings.Join([]string{
		denied("snap.talker.talker", "mknod", "/dev/shm/fastrtps_4d6b9f0c2a1e7d35", "c"),
		denied("snap.talker.talker", "mknod", "/dev/shm/fastrtps_port7411", "c"),
		denied("snap.talker.talker", "mknod", "/dev/shm/sem.Xk29Qa", "c"),
		denied("snap.listener.listener", "open", "/dev/shm/fastrtps_port7411", "rw"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(result.Undeclarable, HasLen, 0)
	c.Assert(result.Snaps, HasLen, 2)
	c.Check(result.Snaps[1].Slots["fastrtps"]["write"], DeepEquals, []string{"fastrtps_*", "sem.fastrtps_*"})
	c.Check(result.Notes, DeepEquals, []string{
		"glibc's temporary semaphore names (sem. and six characters) show that talker creates semaphores, whose own names the log cannot hold; sem.fastrtps_* stands for them, made from the names that listener and talker share: check it against the sem_open calls of talker",
		`listener plugs talker's slot "fastrtps": listener opens "fastrtps_port7411", which talker creates`})

	result, err = suggest.Suggest(log, suggest.Options{Exact: true})
	c.Assert(err, IsNil)
	c.Check(result.Undeclarable, DeepEquals, []suggest.Undeclarable{{"talker", "sem.Xk29Qa", suggest.NoSemaphore}})
}

// Logs are read whole up to MaxLogSize, and refused past it without
// reading on: /dev/zero ends.
func (s *suggestSuite) TestReadLogs(c *C) {
	dir := c.MkDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	c.Assert(os.WriteFile(a, []byte("one\n"), 0644), IsNil)
	c.Assert(os.WriteFile(b, []byte("two\n"), 0644), IsNil)
	log, err := suggest.ReadLogs([]string{a, b})
	c.Assert(err, IsNil)
	c.Check(log, Equals, "one\ntwo\n")
	_, err = suggest.ReadLogs([]string{a, "/dev/zero"})
	c.Check(err, ErrorMatches, `cannot read log /dev/zero: the logs are larger than 67108864 bytes \(64 MiB\): .*`)
	_, err = suggest.ReadLogs([]string{filepath.Join(dir, "missing.log")})
	c.Check(err, ErrorMatches, `cannot read log: open .*missing.log: no such file or directory`)
}

// Snaps that each create their own objects are not connected, though their
// names share a pattern: each gets a private /dev/shm.
func (s *suggestSuite) TestUnrelated(c *C) {
	log := strings.Join([]string{
		denied("snap.player.player", "mknod", "/dev/shm/pulse-shm-1", "c"),
		denied("snap.player.player", "open", "/dev/shm/pulse-shm-1", "rw"),
		denied("snap.recorder.recorder", "mknod", "/dev/shm/pulse-shm-2", "c"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	private := map[string]map[string]interface{}{"shared-memory": {"private": true}}
	c.Check(result.Snaps, DeepEquals, []suggest.Snap{
		{Instance: "player", Plugs: private, Apps: []string{"player"}},
		{Instance: "recorder", Plugs: private, Apps: []string{"recorder"}},
	})
	c.Check(result.Connections, DeepEquals, []suggest.Connection{{"player", "shared-memory", "", "shared-memory"}, {"recorder", "shared-memory", "", "shared-memory"}})
	c.Check(result.OK(), Equals, true)

	// Named as a pair, they are connected.
	result, err = suggest.Suggest(log, suggest.Options{Pairs: [][2]string{{"recorder", "player"}}})
	c.Assert(err, IsNil)
	c.Check(result.Connections, DeepEquals, []suggest.Connection{{"recorder", "pulse", "player", "pulse"}})
	c.Check(result.Notes, DeepEquals, []string{`recorder plugs player's slot "pulse": recorder and player are paired as asked`,
		`player and recorder each create objects that the names cover: player offers them all in one slot, "pulse", and its plugs may create them too`})
	_, err = suggest.Suggest(log, suggest.Options{Pairs: [][2]string{{"recorder", "nobody"}}})
	c.Check(err, ErrorMatches, `cannot connect recorder and nobody: the log shows no denial of snap "nobody" in /dev/shm`)
}

// A semaphore that the viewer opens and that the camera created under
// glibc's temporary name is declared as the log names it, not as a
// pattern, and not reported.
func (s *suggestSuite) TestOpenedSemaphore(c *C) {
	log := strings.Join([]string{
		denied("snap.camera.camera", "mknod", "/dev/shm/camframes-buf", "c"),
		denied("snap.camera.camera", "mknod", "/dev/shm/sem.Xk29Qa", "c"),
		denied("snap.viewer.viewer", "open", "/dev/shm/camframes-buf", "r"),
		denied("snap.viewer.viewer", "open", "/dev/shm/sem.camframes-ready", "rw"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Assert(result.Snaps, HasLen, 2)
	c.Check(result.Snaps[0].Slots, DeepEquals, map[string]map[string]interface{}{"camframes": {
		"interface": "shared-memory", "shared-memory": "camframes", "read": []string{"camframes-buf"}, "write": []string{"sem.camframes-ready"}}})
	c.Check(result.Undeclarable, DeepEquals, []suggest.Undeclarable{})
	c.Check(result.OK(), Equals, true)
}

// No pattern is a prefix of "sem." or "snap.", and other snaps' own
// objects are reported, not declared.
func (s *suggestSuite) TestOtherSnapsNames(c *C) {
	for _, names := range [][]string{{"s1", "s2"}, {"sem1", "sem2"}, {"snapa", "snapb"}, {"sem.s1", "sem.s2"}} {
		var lines []string
		for _, name := range names {
			lines = append(lines, denied("snap.provider.app", "mknod", "/dev/shm/"+name, "wc"), denied("snap.consumer.app", "open", "/dev/shm/"+name, "wr"))
		}
		log := strings.Join(lines, "\n")
		_, write := slotNames(c, log, suggest.Options{})
		c.Check(write, DeepEquals, names)
		result, err := suggest.Suggest(log, suggest.Options{})
		c.Assert(err, IsNil)
		c.Check(result.Warnings, DeepEquals, []string{})
		c.Check(result.OK(), Equals, true)
	}
	log := strings.Join([]string{
		denied("snap.ab.ab", "mknod", "/dev/shm/ok", "c"),
		denied("snap.ab.ab", "open", "/dev/shm/snap.cd.x", "r"),
		denied("snap.ab.ab", "open", "/dev/shm/sem.snap.cd.y", "rw"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	reason := `it is in snap "cd"'s own namespace (snap.cd.* and sem.snap.cd.*), which no other snap may be given`
	c.Check(result.Undeclarable, DeepEquals, []suggest.Undeclarable{{"ab", "snap.cd.x", reason}, {"ab", "sem.snap.cd.y", reason}})
	c.Check(result.OK(), Equals, false)
	// A warning of lint fails the suggestion.
	c.Check((&suggest.Result{Warnings: []string{"w"}}).OK(), Equals, false)
}

// The log is read as libapparmor reads it: records whole, file access
// only, child profiles as their snap's, other namespaces apart,
// complain-mode records taken, masks for what they are.
func (s *suggestSuite) TestReadAsAppArmor(c *C) {
	log := strings.Join([]string{
		denied("snap.cam.cam", "mknod", "/dev/shm/frames", "c"),
		// cut short: in a name, before the masks
		`apparmor="DENIED" operation="open" class="file" profile="snap.view.view" name="/dev/shm/fastrtps_por`,
		`apparmor="DENIED" operation="open" class="file" profile="snap.view.view" name="/dev/shm/frames" pid=1`,
		// not file access
		`apparmor="DENIED" operation="mount" class="mount" profile="snap.view.view" name="/dev/shm/x" flags="rw"`,
		`apparmor="DENIED" operation="mount" profile="snap.view.view" name="/dev/shm/y" flags="rw"`,
		// another namespace's snap of the same name
		strings.Replace(denied("snap.view.view", "open", "/dev/shm/frames", "w"), `class="file"`, `class="file" namespace="root//lxd-c1_<var-snap-lxd-common-lxd>"`, 1),
		// a child profile is its snap's; r:: is a read
		denied("snap.view.view//null-/usr/bin/helper", "open", "/dev/shm/frames", "r::"),
		// complain mode
		strings.Replace(denied("snap.rec.rec", "open", "/dev/shm/frames", "m"), "DENIED", "ALLOWED", 1),
		// execution
		denied("snap.rec.rec", "exec", "/dev/shm/frames", "x"),
	}, "\n")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(result.Skipped, DeepEquals, []suggest.Skipped{{suggest.Malformed, 2}, {suggest.NotFile, 2}, {suggest.Namespace, 1}})
	c.Check(result.Snaps, DeepEquals, []suggest.Snap{{
		Instance: "cam",
		Slots:    map[string]map[string]interface{}{"frames": {"interface": "shared-memory", "shared-memory": "frames", "write": []string{"frames"}}},
		Apps:     []string{"cam"},
	}, {
		Instance: "rec",
		Plugs:    map[string]map[string]interface{}{"frames": {"interface": "shared-memory", "shared-memory": "frames"}},
		Apps:     []string{"rec"},
	}, {
		Instance: "view",
		Plugs:    map[string]map[string]interface{}{"frames": {"interface": "shared-memory", "shared-memory": "frames"}},
		Apps:     []string{"view"},
	}})
	c.Check(result.Undeclarable, DeepEquals, []suggest.Undeclarable{{"rec", "frames", suggest.Exec}})
	c.Check(result.Notes[len(result.Notes)-2:], DeepEquals, []string{
		`1 complain-mode records (apparmor="ALLOWED": a --devmode snap, or a profile in complain mode) are taken as denials, as aa-logprof takes them: they show what the snap needs`,
		`rec maps "frames" with PROT_EXEC (m): only "write" grants m, with w, l and k; check that it needs to`})

	// A reader alone, by the older mask form, gets "read".
	read, write := slotNames(c, denied("snap.cam.cam", "mknod", "/dev/shm/frames", "c")+"\n"+denied("snap.view.view", "open", "/dev/shm/frames", "r::"), suggest.Options{})
	c.Check([]interface{}{read, write}, DeepEquals, []interface{}{[]string{"frames"}, nil})
}

// Two snaps that create the same name share it.
func (s *suggestSuite) TestBothCreate(c *C) {
	log := denied("snap.aa.app", "mknod", "/dev/shm/shared_1", "c") + "\n" + denied("snap.bb.app", "mknod", "/dev/shm/shared_1", "c")
	result, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(result.Connections, DeepEquals, []suggest.Connection{{"bb", "shared", "aa", "shared"}})
	c.Check(result.Notes[0], Equals, `bb plugs aa's slot "shared": bb also creates "shared_1", which aa creates`)
}
