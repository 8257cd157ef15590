package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// manPage is ferry(1), built from the same help texts as 'ferry help', so
// that the packaged manual says what the program says.
func manPage() string {
	var b strings.Builder
	b.WriteString(`.\" Generated from ferry's help texts by cmd/ferry/manpage_test.go (go test ./cmd/ferry -run TestManPage -update).
.TH FERRY 1 "" "ferry" "User Commands"
.SH NAME
ferry \- a local proxy that logs in to your corporate proxy for your apps
.SH SYNOPSIS
.B ferry
.I command
.RI [ flags ]
.SH DESCRIPTION
Apps that cannot authenticate to a corporate proxy (npm, pip, git, docker, curl,
IDEs) point at ferry on 127.0.0.1:3128 with no credentials. ferry answers the
parent proxy's challenges for them (Negotiate/Kerberos, NTLMv2, Digest, Basic),
keeps its connections logged on, and streams the traffic through.
.PP
`)
	b.WriteString(roffLiteral(mainUsage))
	b.WriteString(".SH COMMANDS\n")
	for _, name := range helpOrder() {
		cmd, ok := findCommand(name)
		if !ok {
			continue
		}
		fmt.Fprintf(&b, ".SS ferry %s\n", name)
		// The man page describes the Unix build, also when the test
		// runs on Windows, whose import-cntlm help lists other paths.
		b.WriteString(roffLiteral(strings.Replace(cmd.usage, cntlmDefaultList, cntlmUnixList, 1)))
	}
	b.WriteString(`.SH FILES
.TP
.I ~/.config/ferry/ferry.toml
the configuration ($XDG_CONFIG_HOME, ~/Library/Application Support on macOS, %APPDATA% on Windows)
.TP
.I /etc/ferry/ferry.toml
the configuration of the system service (packages)
.SH ENVIRONMENT
.TP
.B FERRY_PASSWORD
the password; wins over auth.password in the file
.TP
.B KRB5_CONFIG\fR, \fBKRB5CCNAME
the Kerberos configuration and ticket cache
.TP
.B GOMAXPROCS
how many threads run ferry's Go code (default: half the cores, at least one)
.SH SEE ALSO
.BR cntlm (1),
.BR kinit (1)
.PP
README.md and docs/ in /usr/share/doc/ferry and at https://github.com/ferryproxy/ferry
`)
	return b.String()
}

// helpOrder lists the commands in the order 'ferry help' shows them.
func helpOrder() []string {
	_, rest, _ := strings.Cut(mainUsage, "Commands:\n")
	var names []string
	for line := range strings.SplitSeq(rest, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			break
		}
		names = append(names, f[0])
	}
	return names
}

// roffLiteral sets text as it is, in a no-fill block.
func roffLiteral(text string) string {
	var b strings.Builder
	b.WriteString(".nf\n")
	for line := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		line = strings.ReplaceAll(line, `\`, `\e`)
		if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'") {
			line = `\&` + line
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(".fi\n")
	return b.String()
}

// TestManPage keeps packaging/ferry.1 equal to the help texts, names every
// command, and, where groff is installed, renders it without warnings.
func TestManPage(t *testing.T) {
	path := filepath.Join("..", "..", "packaging", "ferry.1")
	got := manPage()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Fatalf("%s is not what the help texts give: run go test ./cmd/ferry -run TestManPage -update", path)
	}
	for _, c := range commands() {
		if !strings.Contains(got, ".SS ferry "+c.name+"\n") {
			t.Errorf("the manual has no section for 'ferry %s' (is it listed in 'ferry help'?)", c.name)
		}
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Log("groff not installed: the manual was not rendered")
		return
	}
	var stderr bytes.Buffer
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z", path)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("groff: %v\n%s", err, stderr.String())
	}
}
