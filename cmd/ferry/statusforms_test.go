package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// basicParent is a parent proxy that takes alice with password pw over
// Basic and counts the logons it refused.
func basicParent(t *testing.T, pw string) (addr string, refused, requests *atomic.Int32) {
	refused, requests = new(atomic.Int32), new(atomic.Int32)
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:"+pw))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch got := r.Header.Get("Proxy-Authorization"); {
		case got == want:
			fmt.Fprintln(w, "ok")
			return
		case got != "":
			refused.Add(1)
		}
		w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), refused, requests
}

// TestStatusFormPasswordIsFerryPassword: the status page's hook reads the
// config ferry runs with, makes ferry password's one logon, stores only
// what the parent took, and has the running ferry reload before it
// answers; a reload that fails is said, not hidden.
func TestStatusFormPasswordIsFerryPassword(t *testing.T) {
	t.Setenv("FERRY_PASSWORD", "")
	const right = "New-pw 3!"
	addr, refused, requests := basicParent(t, right)
	dir := testenv.TempDir(t)
	stateUnder(t, dir)
	conf := filepath.Join(dir, "ferry.toml")
	src := fmt.Sprintf("parents = [%q]\n[auth]\nuser = \"alice\"\npassword = \"Old-pw 1!\"\n", addr)
	if err := os.WriteFile(conf, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	reloads := make(chan chan error)
	var reloadErr atomic.Pointer[error]
	go func() {
		for done := range reloads {
			var err error
			if p := reloadErr.Load(); p != nil {
				err = *p
			}
			done <- err
		}
	}()
	t.Cleanup(func() { close(reloads) })
	f := &statusForms{file: conf, reloadNow: reloads}
	testURL := "http://intranet.example/"

	res := f.changePassword(context.Background(), "Typo-pw 2!", testURL)
	if res.Stored || !res.Refused || res.Reloaded || !strings.Contains(res.Detail, "nothing was stored") || refused.Load() != 1 {
		t.Errorf("a wrong password: %+v, %d refusals", res, refused.Load())
	}
	if got, _ := os.ReadFile(conf); string(got) != src {
		t.Errorf("a refused password changed the file:\n%s", got)
	}

	res = f.changePassword(context.Background(), right, testURL)
	if !res.Stored || !res.Reloaded || !strings.Contains(res.Next, "took it") || refused.Load() != 1 {
		t.Errorf("the right password: %+v, %d refusals", res, refused.Load())
	}
	if got, _ := os.ReadFile(conf); !strings.Contains(string(got), fmt.Sprintf("password = %q", right)) {
		t.Errorf("the file after the right password:\n%s", got)
	}
	if strings.Contains(res.Detail+res.Next, right) {
		t.Errorf("the answer holds the password: %+v", res)
	}

	failed := errors.New("credentials: keyring unavailable")
	reloadErr.Store(&failed)
	res = f.changePassword(context.Background(), right, testURL)
	if !res.Stored || res.Reloaded || !strings.Contains(res.Next, "keyring unavailable") {
		t.Errorf("a failed reload: %+v", res)
	}

	before := requests.Load()
	if err := os.WriteFile(conf, []byte(fmt.Sprintf("parents = [%q]\n[auth]\nuser = \"alice\"\npassword_command = \"pass show corp\"\n", addr)), 0o600); err != nil {
		t.Fatal(err)
	}
	res = f.changePassword(context.Background(), right, testURL)
	if res.Stored || res.Refused || !strings.Contains(res.Detail, "update the secret that command reads") || requests.Load() != before {
		t.Errorf("password_command: %+v, %d requests to the parent", res, requests.Load()-before)
	}
}
