package service

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestGeneratedXMLIsWellFormed parses the launchd plists and the task
// definition, with a path that needs escaping.
func TestGeneratedXMLIsWellFormed(t *testing.T) {
	odd := `C:\Users\a&b <x>\ferry.toml`
	for _, tc := range []struct {
		goos string
		cfg  Config
	}{
		{"darwin", Config{Executable: "/bin/ferry", ConfigFile: "/Users/a&b <x>/ferry.toml", Home: "/Users/a", Account: "501"}},
		{"darwin", Config{System: true, Executable: "/bin/ferry", ConfigFile: "/etc/ferry.toml"}},
		{"windows", Config{Executable: `C:\ferry.exe`, ConfigFile: odd, LocalAppData: `C:\L`, Account: `CORP\a&b`}},
	} {
		p, err := PlanFor(tc.goos, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		content := p.Files[0].Content
		d := xml.NewDecoder(bytes.NewReader(content))
		// The task declares UTF-16 (what schtasks reads); here it is
		// still UTF-8 in memory.
		d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
		d.Strict = true
		var text strings.Builder
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", tc.goos, p.Files[0].Path, err, content)
			}
			if cd, ok := tok.(xml.CharData); ok {
				text.Write(cd)
			}
		}
		if !strings.Contains(text.String(), "ferry.toml") || (tc.goos == "windows" && !strings.Contains(text.String(), `"`+odd+`"`)) {
			t.Errorf("%s: the config path did not survive escaping:\n%s", tc.goos, text.String())
		}
	}
}

func TestTaskDefinitionIsWrittenAsUTF16WithBOM(t *testing.T) {
	got := encodeUTF16([]byte("<?xml?>é"))
	if !bytes.HasPrefix(got, []byte{0xff, 0xfe}) {
		t.Fatalf("no UTF-16LE byte order mark: % x", got[:2])
	}
	units := make([]uint16, 0, (len(got)-2)/2)
	for i := 2; i+1 < len(got); i += 2 {
		units = append(units, uint16(got[i])|uint16(got[i+1])<<8)
	}
	if s := string(utf16.Decode(units)); s != "<?xml?>é" {
		t.Errorf("decoded %q", s)
	}
}
