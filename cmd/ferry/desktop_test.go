package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/notify"
	"github.com/ferryproxy/ferry/relay"
)

// TestNoteForSaysWhatAndWhatToDo: every event's note, in every language,
// names the parent and user and gives the steps the issue asks for, with
// no placeholder left.
func TestNoteForSaysWhatAndWhatToDo(t *testing.T) {
	until := time.Date(2026, 12, 5, 10, 20, 30, 0, time.Local)
	const status = "http://127.0.0.1:3128/"
	for _, lang := range msg.Langs() {
		for _, tc := range []struct {
			e    relay.Event
			want []string
		}{
			{relay.Event{Kind: relay.EventCredentialsRejected, Parent: "proxy.corp:8080", User: `CORP\alice`, Until: until},
				[]string{"proxy.corp:8080", `CORP\alice`, "10:20:30", "ferry password", status}},
			{relay.Event{Kind: relay.EventKerberosPasswordRejected, User: "alice@CORP.EXAMPLE", Until: until},
				[]string{"alice@CORP.EXAMPLE", "10:20:30", "ferry password", "kinit alice@CORP.EXAMPLE", status}},
			{relay.Event{Kind: relay.EventKerberosNoTicket, Parent: "proxy.corp:8080"},
				[]string{"proxy.corp:8080", "kinit alice@CORP.EXAMPLE", "ferry password", status}},
			{relay.Event{Kind: relay.EventSSOUnavailable, Parent: "proxy.corp:8080"},
				[]string{"proxy.corp:8080", "Windows", "VPN", "ferry service install", "ferry init", status}},
		} {
			n := noteFor(lang, tc.e, status, "alice@CORP.EXAMPLE")
			if n.Title == "" || strings.HasPrefix(n.Title, "notify.") || !strings.HasPrefix(n.Title, "ferry") {
				t.Errorf("%s %s: title %q", lang, tc.e.Kind, n.Title)
			}
			for _, w := range tc.want {
				if !strings.Contains(n.Body, w) {
					t.Errorf("%s %s: body lacks %q:\n%s", lang, tc.e.Kind, w, n.Body)
				}
			}
			if strings.ContainsAny(n.Title+n.Body, "{}") {
				t.Errorf("%s %s: a placeholder is left: %q %q", lang, tc.e.Kind, n.Title, n.Body)
			}
		}
	}
}

func TestKerberosPrincipal(t *testing.T) {
	for _, tc := range []struct {
		a    auth.Config
		want string
	}{
		{auth.Config{}, "user@REALM"},
		{auth.Config{User: "alice", Realm: "CORP.EXAMPLE"}, "alice@CORP.EXAMPLE"},
		{auth.Config{User: "alice", Domain: "corp"}, "alice@CORP"},
		{auth.Config{User: `CORP\alice`}, "alice@REALM"},
		{auth.Config{User: "alice@corp.example"}, "alice@corp.example"},
	} {
		if got := kerberosPrincipal(&config.Config{Auth: tc.a}); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.a, got, tc.want)
		}
	}
}

// recorder is a notify.Notifier that keeps the notes, or fails with err.
type recorder struct {
	notes []notify.Note
	err   error
}

func (r *recorder) Notify(_ context.Context, n notify.Note) error {
	r.notes = append(r.notes, n)
	return r.err
}

// TestDesktopLogsWithoutSession: with no desktop the note's text goes to
// the log at WARN, and notify = false sends nothing at all.
func TestDesktopLogsWithoutSession(t *testing.T) {
	var logs bytes.Buffer
	r := &recorder{err: &notify.NoSessionError{Why: "DBUS_SESSION_BUS_ADDRESS is not set"}}
	// No startDesktop: the test takes the queued note and shows it itself.
	d := &desktop{n: r, log: newLogger(&logs, false), lang: "en", queue: make(chan notify.Note, 1)}
	d.listening("127.0.0.1:3128")
	cfg := &config.Config{Auth: auth.Config{User: "alice", Password: "s3cret-pw"}}
	d.hook(cfg)(relay.Event{Kind: relay.EventCredentialsRejected, Parent: "proxy.corp:8080", User: "alice", Until: time.Now()})
	d.show(context.Background(), <-d.queue)
	out := logs.String()
	for _, want := range []string{"level=WARN", "no desktop to notify", "proxy.corp:8080", "ferry password", "http://127.0.0.1:3128/", "DBUS_SESSION_BUS_ADDRESS is not set"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if len(r.notes) != 1 || strings.Contains(out+r.notes[0].Body+r.notes[0].Title, "s3cret-pw") {
		t.Errorf("notes %+v; the password must be in neither the note nor the log:\n%s", r.notes, out)
	}
	if h := d.hook(&config.Config{NoNotify: true}); h != nil {
		t.Error("notify = false still gives the relay a hook")
	}
}

// TestNotifyKey: notify defaults to true, notify = false turns the
// notifications off, and a wrong type says how to write it.
func TestNotifyKey(t *testing.T) {
	for _, tc := range []struct {
		file string
		off  bool
	}{{"", false}, {"notify = true\n", false}, {"notify = false\n", true}} {
		c, err := config.Parse("ferry.toml", []byte(tc.file))
		if err != nil {
			t.Fatalf("%q: %v", tc.file, err)
		}
		if c.NoNotify != tc.off {
			t.Errorf("%q: NoNotify %v, want %v", tc.file, c.NoNotify, tc.off)
		}
	}
	_, err := config.Parse("ferry.toml", []byte("notify = \"no\"\n"))
	if err == nil || !strings.Contains(err.Error(), "ferry.toml:1") || !strings.Contains(err.Error(), "notify = false") {
		t.Errorf("a string for notify: %v", err)
	}
	for _, tc := range []struct{ file, want string }{
		{"parents = [\"p:1\"]\n", "notify = true  # default\n"},
		{"parents = [\"p:1\"]\nnotify = false\n", "notify = false\n"},
	} {
		path := writeConfig(t, tc.file)
		var out, errb bytes.Buffer
		if st := cmdConfig(context.Background(), []string{"show", "--config", path}, &out, &errb); st != exitOK {
			t.Fatalf("status %d: %s", st, errb.String())
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("config show of %q lacks %q:\n%s", tc.file, tc.want, out.String())
		}
	}
}
