package notify

import (
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ferryproxy/ferry/internal/testenv"
)

func TestCleanDropsControlsAndCutsAtARune(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\x1b[31mred\x07\r\nline", "a[31mred\nline"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"tab\tkept", "tab\tkept"},
	} {
		if got := clean(tc.in, 100); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("日本", 400) // 3 bytes a rune
	got := clean(long, maxBody)
	if !utf8.ValidString(got) || len(got) > maxBody+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("cut of a long body: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

// TestOsascriptArgsCarryTextOutsideTheScript: nothing of the note enters
// the AppleScript's source, whatever quotes or commands it holds.
func TestOsascriptArgsCarryTextOutsideTheScript(t *testing.T) {
	evil := Note{
		Title: `-e do shell script "touch /tmp/pwned"`,
		Body:  `proxy" & (do shell script "id") & "` + "\\\n" + `end run`,
	}
	args := osascriptArgs(evil)
	wantScript := []string{"-e", "on run argv", "-e", "display notification (item 2 of argv) with title (item 1 of argv)", "-e", "end run"}
	if !slices.Equal(args[:6], wantScript) {
		t.Fatalf("script part %q", args[:6])
	}
	if len(args) != 8 {
		t.Fatalf("%d args, want the script and two arguments: %q", len(args), args)
	}
	if strings.HasPrefix(args[6], "-") || !strings.HasSuffix(args[6], `"touch /tmp/pwned"`) {
		t.Errorf("title argument %q: must not start with '-' and must keep its text", args[6])
	}
	if args[7] != evil.Body {
		t.Errorf("body argument %q, want %q unchanged", args[7], evil.Body)
	}
}

// TestToastTextTravelsInTheEnvironment: the PowerShell script has no
// place where the note's text is spliced in.
func TestToastTextTravelsInTheEnvironment(t *testing.T) {
	n := Note{Title: "a'b\"c$(x)", Body: "<toast>&\n'; Remove-Item C:\\ -Recurse; '"}
	env := toastEnv(n)
	if want := []string{"FERRY_NOTE_TITLE=" + n.Title, "FERRY_NOTE_BODY=" + n.Body}; !slices.Equal(env, want) {
		t.Errorf("env %q, want %q", env, want)
	}
	for _, s := range []string{n.Title, n.Body, "<toast>"} {
		if strings.Contains(toastScript, s) {
			t.Errorf("the script holds %q", s)
		}
	}
	if !strings.Contains(toastScript, "CreateTextNode($env:FERRY_NOTE_TITLE)") || !strings.Contains(toastScript, "CreateTextNode($env:FERRY_NOTE_BODY)") {
		t.Error("the script does not take the text from the environment as text nodes")
	}
}

func TestFdBodyEscapesMarkup(t *testing.T) {
	if got, want := fdBody(`a<b>&c "d"`), `a&lt;b&gt;&amp;c "d"`; got != want {
		t.Errorf("fdBody = %q, want %q", got, want)
	}
}

// TestRunNoteMissingProgramIsNoSession: no osascript or powershell.exe
// means no desktop, which the caller logs; a failing one is an error with
// its complaint.
func TestRunNoteMissingProgramIsNoSession(t *testing.T) {
	_, err := runNote(exec.Command(filepath.Join(testenv.TempDir(t), "no-such-notifier")))
	if !errors.Is(err, ErrNoSession) {
		t.Errorf("missing program: %v, want ErrNoSession", err)
	}
	sh, lerr := exec.LookPath("sh")
	if lerr != nil {
		t.Skip("no sh to fail with")
	}
	stderr, err := runNote(exec.Command(sh, "-c", "echo no way >&2; exit 3"))
	if err == nil || errors.Is(err, ErrNoSession) || stderr != "no way" || !strings.Contains(err.Error(), "no way") {
		t.Errorf("failing program: %q, %v", stderr, err)
	}
}

func TestEncodedCommandIsUTF16LEBase64(t *testing.T) {
	// PowerShell's own example: -EncodedCommand of "dir 'c:\program files' ".
	if got, want := encodedCommand("dir 'c:\\program files' "), "ZABpAHIAIAAnAGMAOgBcAHAAcgBvAGcAcgBhAG0AIABmAGkAbABlAHMAJwAgAA=="; got != want {
		t.Errorf("encodedCommand = %q, want %q", got, want)
	}
}
