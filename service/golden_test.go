package service

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ (and packaging/ferry.service)")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./service -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what is generated now (go test ./service -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

var goldenCases = []struct {
	name string
	goos string
	cfg  Config
}{
	{"linux-user", "linux", Config{
		Executable: "/usr/local/bin/ferry", ConfigFile: "/home/alice/.config/ferry/ferry.toml",
		Home: "/home/alice", ConfigHome: "/home/alice/.config"}},
	// Spaces, % (a systemd specifier) and a quote must survive ExecStart.
	{"linux-user-odd-paths", "linux", Config{
		Executable: "/opt/my tools/ferry", ConfigFile: `/home/alice/My "100%" config/ferry.toml`,
		Home: "/home/alice"}},
	{"linux-system", "linux", Config{System: true,
		Executable: "/usr/bin/ferry", ConfigFile: "/etc/ferry/ferry.toml"}},
	{"darwin-user", "darwin", Config{
		Executable: "/opt/homebrew/bin/ferry", ConfigFile: "/Users/alice/Library/Application Support/ferry/ferry.toml",
		Home: "/Users/alice", Account: "501"}},
	{"darwin-system", "darwin", Config{System: true,
		Executable: "/usr/local/bin/ferry", ConfigFile: "/Library/Application Support/ferry/ferry.toml"}},
	{"windows-user", "windows", Config{
		Executable: `C:\Users\alice\AppData\Local\Programs\ferry\ferry.exe`, ConfigFile: `C:\Users\alice\AppData\Roaming\ferry\ferry.toml`,
		LocalAppData: `C:\Users\alice\AppData\Local`, Account: `CORP\alice`}},
	{"windows-system", "windows", Config{System: true, ExplicitCredentials: true,
		Executable: `C:\Program Files\ferry\ferry.exe`, ConfigFile: `C:\ProgramData\ferry\ferry.toml`,
		ProgramData: `C:\ProgramData`}},
}

// TestGeneratedDefinitionsMatchGolden checks every unit, plist and task
// definition, with the paths and commands around them, as --dry-run prints
// them.
func TestGeneratedDefinitionsMatchGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PlanFor(tc.goos, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			p.Describe(&b)
			golden(t, filepath.Join("testdata", tc.name+".golden"), b.Bytes())
		})
	}
}

// TestPackagedUnitIsTheGeneratedOne keeps the unit the .deb and .rpm ship
// identical to what `ferry service install --system` writes.
func TestPackagedUnitIsTheGeneratedOne(t *testing.T) {
	p, err := PlanFor("linux", Config{System: true, Executable: "/usr/bin/ferry", ConfigFile: "/etc/ferry/ferry.toml"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("..", "packaging", "ferry.service"), p.Files[0].Content)
}

func TestWindowsSystemServiceNeedsExplicitCredentials(t *testing.T) {
	_, err := PlanFor("windows", Config{System: true, Executable: `C:\ferry.exe`, ConfigFile: `C:\ferry.toml`})
	if err != ErrNeedsCredentials {
		t.Fatalf("PlanFor = %v, want ErrNeedsCredentials", err)
	}
}

func TestWindowsCommandLineRoundTrips(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`C:\ferry.exe`, `C:\ferry.exe`},
		{`C:\Program Files\ferry.exe`, `"C:\Program Files\ferry.exe"`},
		{`C:\dir with space\`, `"C:\dir with space\\"`},
		{`say "hi"`, `"say \"hi\""`},
		{``, `""`},
	} {
		if got := windowsEscapeArg(tc.in); got != tc.want {
			t.Errorf("windowsEscapeArg(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestUnsupportedOSIsRefused(t *testing.T) {
	if _, err := PlanFor("plan9", Config{Executable: "/bin/ferry", ConfigFile: "/f.toml"}); err == nil {
		t.Fatal("PlanFor(plan9) succeeded")
	}
}

// The system unit hides /home and /tmp from ferry: a config there would
// not start, so the plan is refused.
func TestSystemUnitRefusesAConfigItCannotSee(t *testing.T) {
	for _, path := range []string{"/home/alice/.config/ferry/ferry.toml", "/tmp/ferry.toml", "/root/ferry.toml"} {
		_, err := PlanFor("linux", Config{System: true, Executable: "/usr/bin/ferry", ConfigFile: path})
		if err == nil || !strings.Contains(err.Error(), "cannot read "+path) {
			t.Errorf("%s: PlanFor = %v, want a refusal", path, err)
		}
	}
}
