package service

import (
	"bytes"
	"embed"
	"encoding/xml"
	"fmt"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"exec":     systemdExec,
	"unitPath": systemdEscape,
	"xml":      xmlEscape,
	"winArgs":  windowsCommandLine,
}).ParseFS(templateFS, "templates/*.tmpl"))

// templateData is what every template sees.
type templateData struct {
	Config
	Name    string
	Label   string
	EnvFile string // systemd EnvironmentFile
	LogFile string // launchd and the Windows logon task
}

// Render renders the named template in templates/ with c and the paths a
// plan derived from it.
func render(name string, d templateData) ([]byte, error) {
	d.Name, d.Label = Name, Label
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, d); err != nil {
		return nil, fmt.Errorf("service: render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// systemdEscape escapes what systemd would otherwise expand in a unit's
// value: % starts a specifier (systemd.unit(5) "Specifiers").
func systemdEscape(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// systemdExec renders an ExecStart= command line: each argument quoted when
// it holds a space, quote, backslash or $ (systemd.service(5) "Command
// lines"), % doubled.
func systemdExec(argv ...string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		a = systemdEscape(a)
		if a == "" || strings.ContainsAny(a, " \t\"'\\$;") {
			r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `$$`)
			a = `"` + r.Replace(a) + `"`
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder never fail
	return b.String()
}

// windowsCommandLine joins argv the way CommandLineToArgvW splits it (the
// rules of syscall.EscapeArg, which only builds on Windows).
func windowsCommandLine(argv ...string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = windowsEscapeArg(a)
	}
	return strings.Join(out, " ")
}

func windowsEscapeArg(s string) string {
	if s == "" {
		return `""`
	}
	if !strings.ContainsAny(s, " \t\"") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			slashes++
		case '"':
			for ; slashes > 0; slashes-- {
				b.WriteByte('\\')
			}
			b.WriteByte('\\')
		default:
			slashes = 0
		}
		b.WriteByte(c)
	}
	for ; slashes > 0; slashes-- {
		b.WriteByte('\\')
	}
	b.WriteByte('"')
	return b.String()
}
