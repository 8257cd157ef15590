package testenv

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Tinyproxy is a running tinyproxy on 127.0.0.1 that wants Basic
// credentials, stopped when the test ends. It answers missing credentials
// with 407 and wrong ones with 401 and WWW-Authenticate, and closes every
// connection after its response.
type Tinyproxy struct {
	Addr string // 127.0.0.1:PORT
	Port int
	Dir  string

	t        testing.TB
	d        *daemon
	stopOnce sync.Once
}

// StartTinyproxy starts tinyproxy in the foreground (-d) with BasicAuth for
// user and password, CONNECT allowed to 443 and connectPorts.
func StartTinyproxy(t testing.TB, user, password string, connectPorts ...int) *Tinyproxy {
	t.Helper()
	Require(t, "tinyproxy", "tinyproxy")
	dir := t.TempDir()
	openForProxy(t, dir)
	tp := &Tinyproxy{Dir: dir, t: t}
	conf := filepath.Join(dir, "tinyproxy.conf")
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		tp.Port = freePort(t)
		tp.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(tp.Port))
		var b strings.Builder
		p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
		p("Port %d", tp.Port)
		p("Listen 127.0.0.1")
		p("Timeout 600")
		p("MaxClients 100")
		p("LogLevel Info")
		p("LogFile %q", filepath.Join(dir, "tinyproxy.log"))
		p("BasicAuth %s %s", user, password)
		p("ConnectPort 443")
		for _, port := range connectPorts {
			p("ConnectPort %d", port)
		}
		writeFile(t, conf, b.String(), 0o644)
		// tinyproxy drops to nobody when started as root: its log must be
		// writable by it.
		writeFile(t, filepath.Join(dir, "tinyproxy.log"), "", 0o666)
		if lastErr = tp.start(conf); lastErr == nil {
			t.Cleanup(tp.Stop)
			return tp
		}
	}
	t.Fatalf("testenv: tinyproxy did not start: %v", lastErr)
	return nil
}

func (tp *Tinyproxy) start(conf string) error {
	bin, err := lookPath("tinyproxy")
	if err != nil {
		return err
	}
	d, err := startDaemon(tp.Dir, "tinyproxy", nil, bin, "-d", "-c", conf)
	if err != nil {
		return err
	}
	tp.d = d
	return waitListening(tp.Addr, d.done, func() string {
		return fmt.Sprintf("%v\n%s\n%s", d.waitErr, readFile(filepath.Join(tp.Dir, "tinyproxy.stderr")), tp.Log())
	}, d.kill)
}

// Stop kills tinyproxy by its pid (its process group) and waits for it; it
// is idempotent and also runs at cleanup.
func (tp *Tinyproxy) Stop() {
	tp.stopOnce.Do(func() {
		if tp.d == nil {
			return
		}
		tp.d.kill()
		if tp.t.Failed() {
			tp.t.Logf("testenv: tinyproxy log:\n%s", tail(tp.Log(), 40))
		}
	})
}

// Log returns tinyproxy's log.
func (tp *Tinyproxy) Log() string { return readFile(filepath.Join(tp.Dir, "tinyproxy.log")) }

// Requests counts the requests tinyproxy logged as received (its
// "Request (file descriptor N): METHOD ..." lines) with method.
func (tp *Tinyproxy) Requests(method string) int {
	n := 0
	for _, l := range strings.Split(tp.Log(), "\n") {
		if _, rest, ok := strings.Cut(l, "): "); ok && strings.Contains(l, "Request (file descriptor") && strings.HasPrefix(rest, method+" ") {
			n++
		}
	}
	return n
}
