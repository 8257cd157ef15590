package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// chromium is headless Chromium on a phone-sized window, with lang as its
// language (Accept-Language), no proxy, and a profile and HOME of its own.
func chromium(ctx context.Context, t *testing.T, lang string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "chromium", append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--no-proxy-server",
		"--no-first-run", "--disable-extensions", "--user-data-dir=" + testenv.TempDir(t), "--window-size=390,844",
		"--lang=" + lang, "--accept-lang=" + lang}, args...)...)
	// No session bus here: without this chromium waits ~20 s for D-Bus.
	cmd.Env = append(cleanCurlEnv(), "HOME="+testenv.TempDir(t), "DBUS_SESSION_BUS_ADDRESS=disabled:")
	return cmd
}

// browser drives a real headless Chromium through the DevTools protocol
// over --remote-debugging-pipe (fd 3 carries commands in, fd 4 answers
// out, each message JSON ended by a NUL): no websocket client, no
// port. It fills and submits forms the way a user's clicks do.
type browser struct {
	t       *testing.T
	in      *os.File
	out     *bufio.Reader
	next    int
	session string
}

// startBrowser starts Chromium with lang as the browser's language and
// opens url in a tab; everything stops with the test.
func startBrowser(t *testing.T, lang, url string) *browser {
	t.Helper()
	testenv.Require(t, "the status page form test", "chromium")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmdIn, in, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out, cmdOut, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := chromium(ctx, t, lang, "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{cmdIn, cmdOut}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	cmdIn.Close()
	cmdOut.Close()
	t.Cleanup(func() {
		in.Close()
		cancel()
		_ = cmd.Wait()
		out.Close()
		if t.Failed() {
			t.Logf("chromium's stderr:\n%s", stderr.String())
		}
	})
	b := &browser{t: t, in: in, out: bufio.NewReader(out)}
	var target struct{ TargetID string }
	b.call("Target.createTarget", map[string]any{"url": url}, &target)
	var attached struct{ SessionID string }
	b.call("Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	b.session = attached.SessionID
	return b
}

// call sends one command and decodes its result into res, skipping the
// events Chromium sends in between.
func (b *browser) call(method string, params map[string]any, res any) {
	b.t.Helper()
	b.next++
	m := map[string]any{"id": b.next, "method": method, "params": params}
	if b.session != "" {
		m["sessionId"] = b.session
	}
	msgb, _ := json.Marshal(m)
	if _, err := b.in.Write(append(msgb, 0)); err != nil {
		b.t.Fatalf("chromium %s: %v", method, err)
	}
	for {
		raw, err := b.out.ReadBytes(0)
		if err != nil {
			b.t.Fatalf("chromium %s: %v", method, err)
		}
		var r struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(raw[:len(raw)-1], &r); err != nil || r.ID != b.next {
			continue
		}
		if r.Error != nil {
			b.t.Fatalf("chromium %s: %s", method, r.Error.Message)
		}
		if res != nil {
			if err := json.Unmarshal(r.Result, res); err != nil {
				b.t.Fatalf("chromium %s: %v", method, err)
			}
		}
		return
	}
}

// eval runs a JavaScript expression in the tab and returns its value as
// a string ("" for null or an exception: the page may be loading).
func (b *browser) eval(expr string) string {
	b.t.Helper()
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails any `json:"exceptionDetails"`
	}
	b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r)
	if r.ExceptionDetails != nil || r.Result.Value == nil {
		return ""
	}
	return fmt.Sprint(r.Result.Value)
}

// waitFor evaluates expr until it gives a non-empty string, for at most
// 60 s (a test logon and a doctor run happen in between).
func (b *browser) waitFor(what, expr string) string {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if v := b.eval(expr); v != "" {
			return v
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("chromium: no %s after 60 s; the page:\n%s", what, b.eval("document.documentElement.outerHTML"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// submit fills the form with id form, field by field, and presses its
// button, once the page has the form.
func (b *browser) submit(form string, fields map[string]string) {
	b.t.Helper()
	b.waitFor("form #"+form, fmt.Sprintf("document.readyState == 'complete' && document.getElementById(%q) ? 'yes' : ''", form))
	var js strings.Builder
	for name, v := range fields {
		fmt.Fprintf(&js, "document.querySelector('#%s [name=%s]').value = %s;\n", form, name, jsString(v))
	}
	fmt.Fprintf(&js, "document.querySelector('#%s button').click(); 'ok'", form)
	if got := b.eval(js.String()); got != "ok" {
		b.t.Fatalf("chromium: could not fill form #%s", form)
	}
}

func jsString(s string) string {
	q, err := json.Marshal(s)
	if err != nil {
		panic(errors.New("unreachable"))
	}
	return string(q)
}
