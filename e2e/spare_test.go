package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestSparesOpenTunnelsWithoutExtraLogons: with spare parent connections
// (on by default), new tunnels through the Samba-verified NTLM squid and the
// KDC-backed Negotiate squid go out on spares, and each tunnel still costs
// exactly one logon at the parent, as without spares: an NTLM spare's type
// 1 leg is no logon, and spares never used log on nowhere.
func TestSparesOpenTunnelsWithoutExtraLogons(t *testing.T) {
	for _, kind := range []parentKind{
		{"ntlm-verified", startVerifiedNTLMParent},
		{"negotiate-ccache", startNegotiateCCacheParent},
	} {
		t.Run(kind.name, func(t *testing.T) {
			o := testenv.StartOrigin(t)
			p := kind.start(t, o, testenv.SquidOptions{})
			f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth), p.Env...)
			const tunnels = 12
			target := net.JoinHostPort("127.0.0.1", strconv.Itoa(o.TLSPort))
			for i := range tunnels {
				if i > 0 {
					// Each tunnel asks for a spare to replace the one
					// it took; under a loaded machine (the CI run, with
					// Samba's helper checking each logon) making it can
					// take longer than an app's next tunnel: wait for
					// it, so that what is counted is whether a ready
					// spare is used, not how fast one is made.
					waitSpareReady(t, f, p.Squid.Addr, 3*time.Second)
				}
				if err := openTunnel(f.Addr, target); err != nil {
					t.Fatalf("tunnel %d: %v", i, err)
				}
			}
			st := parentStatus(t, f, p.Squid.Addr)
			t.Logf("%d tunnels: %d on spares, %d spares ready, %d handshakes at ferry, %d dials", tunnels, st.SparesUsed, st.SpareConnections, st.Handshakes, st.Dials)
			if st.SparesUsed < tunnels/2 {
				t.Errorf("%d of %d tunnels went out on a spare, want at least half", st.SparesUsed, tunnels)
			}
			// Spares left ready may still be taking their first leg: wait
			// for the helper to settle, then count its verdicts.
			time.Sleep(time.Second)
			if got := p.Squid.Logons(); got != tunnels {
				t.Errorf("%d logons at the parent for %d tunnels, want one each as without spares\nhelper answers: %q", got, tunnels, p.Squid.HelperAnswers())
			}
			if n := p.Squid.FailedLogons(); n != 0 {
				t.Errorf("%d failed logons", n)
			}
			if m := fetchSelf(t, f, "/metrics"); !strings.Contains(m, fmt.Sprintf("ferry_parent_spares_used_total{parent=%q} %d", p.Squid.Addr, st.SparesUsed)) {
				t.Errorf("/metrics does not count the spares used (%d):\n%s", st.SparesUsed, m)
			}
			checkLogClean(t, f, p)
		})
	}
}

// TestSparesOffWithZero: limits.spare_connections = 0 turns spares off.
func TestSparesOffWithZero(t *testing.T) {
	o := testenv.StartOrigin(t)
	p := startNTLMParent(t, o, testenv.SquidOptions{})
	f := testenv.StartFerry(t, ferryConfig([]string{p.Squid.Addr}, p.Auth)+"\n[limits]\nspare_connections = 0\n", p.Env...)
	target := net.JoinHostPort("127.0.0.1", strconv.Itoa(o.TLSPort))
	for i := range 4 {
		if err := openTunnel(f.Addr, target); err != nil {
			t.Fatalf("tunnel %d: %v", i, err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if st := parentStatus(t, f, p.Squid.Addr); st.SparesUsed != 0 || st.SpareConnections != 0 || st.Dials != 4 {
		t.Errorf("spares off: %d used, %d ready, %d dials for 4 tunnels; want 0, 0, 4", st.SparesUsed, st.SpareConnections, st.Dials)
	}
}

// openTunnel sends a CONNECT for target to the proxy at addr, reads the
// 200 and closes the tunnel.
func openTunnel(addr, target string) error {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, target); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: http.MethodConnect})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("CONNECT: %s", resp.Status)
	}
	return nil
}

// spareStatus is what /status.json says of one parent's connections.
type spareStatus struct {
	Addr             string `json:"addr"`
	SpareConnections int    `json:"spare_connections"`
	SparesUsed       int64  `json:"spares_used"`
	Handshakes       int64  `json:"handshakes"`
	Dials            int64  `json:"dials"`
}

func parentStatus(t *testing.T, f *testenv.Ferry, addr string) spareStatus {
	t.Helper()
	var rep struct{ Parents []spareStatus }
	if err := json.Unmarshal([]byte(fetchSelf(t, f, "/status.json")), &rep); err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Parents {
		if p.Addr == addr {
			return p
		}
	}
	t.Fatalf("status.json lists no parent %s", addr)
	return spareStatus{}
}

// TestSpareChallengeForgotten: squid forgets the NTLM challenges it has
// handed out when it restarts its helpers (squid -k reconfigure, as after
// an administrator's change). A spare's type 3 for such a challenge is
// answered 407 with a bare "NTLM" and the connection closed; Samba's helper
// refused the message ("got NTLMSSP command 3, expected 1") without
// checking any password. That is no failed logon: the tunnel logs on again
// on a new connection, and the credentials do not rest. A password the
// domain refuses still costs exactly one failed logon, whether the spare's
// challenge was kept or forgotten.
func TestSpareChallengeForgotten(t *testing.T) {
	const pw, changed = "Spare-pw 1!", "Spare-pw 2!"
	users := map[string]string{"ferryspare1": pw, "ferryspare2": pw, "ferryspare3": pw}
	o := testenv.StartOrigin(t)
	v := testenv.StartNTLMVerifier(t, users)
	target := net.JoinHostPort("127.0.0.1", strconv.Itoa(o.TLSPort))
	for _, tc := range []struct {
		name       string
		user       string
		changePW   bool // the password changes at the domain after ferry logged on
		reconfig   bool // squid restarts its helpers while the spare holds its challenge
		wantTunnel bool
	}{
		{"right password, challenge forgotten", "ferryspare1", false, true, true},
		{"wrong password, challenge forgotten", "ferryspare2", true, true, false},
		{"wrong password, challenge kept", "ferryspare3", true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sq := testenv.StartSquid(t, testenv.SquidOptions{Auth: testenv.SquidAuthNTLM, NTLM: v, SSLPorts: []int{o.TLSPort}})
			f := testenv.StartFerry(t, ferryConfig([]string{sq.Addr}, ferryAuth{User: tc.user, Domain: v.Domain, Password: pw}))
			// The first tunnel finds the parent; the second one's new
			// connection has a spare made, whose type 1 leg is squid's third
			// handshake. The spare holds its challenge for 5 s.
			for i := range 2 {
				if err := openTunnel(f.Addr, target); err != nil {
					t.Fatalf("tunnel %d: %v", i, err)
				}
			}
			for deadline := time.Now().Add(3 * time.Second); sq.Handshakes() < 3 || parentStatus(t, f, sq.Addr).SpareConnections < 1; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("no NTLM spare ready 3 s after a tunnel: %+v, helper %q", parentStatus(t, f, sq.Addr), sq.HelperRequests())
				}
			}
			if tc.changePW {
				v.SetPassword(t, tc.user, changed)
			}
			if tc.reconfig {
				sq.Reconfigure(t)
			}
			used := parentStatus(t, f, sq.Addr).SparesUsed
			err := openTunnel(f.Addr, target)
			// (A dialed spare may serve the logon after a forgotten challenge.)
			if got := parentStatus(t, f, sq.Addr).SparesUsed; got == used {
				t.Fatalf("the tunnel did not go out on the spare (%d spares used before and after)", got)
			}
			if tc.wantTunnel && err != nil {
				t.Fatalf("tunnel after squid forgot the spare's challenge: %v", err)
			}
			if !tc.wantTunnel && err == nil {
				t.Fatal("a tunnel opened with a password the domain refuses")
			}
			// A next tunnel: through at once with the right password; with
			// the wrong one refused by ferry itself, at no further cost.
			err = openTunnel(f.Addr, target)
			if tc.wantTunnel && err != nil {
				t.Errorf("next tunnel: %v (the credentials rest?)", err)
			}
			if !tc.wantTunnel && (err == nil || !strings.Contains(err.Error(), "502")) {
				t.Errorf("next tunnel with the refused password: %v, want a 502", err)
			}
			time.Sleep(500 * time.Millisecond) // spares made meanwhile take their type 1 legs
			failed := 0
			for _, a := range sq.HelperAnswers() {
				if strings.HasPrefix(a, "NA NT_STATUS_LOGON_FAILURE") || strings.HasPrefix(a, "NA NT_STATUS_WRONG_PASSWORD") {
					failed++
				}
			}
			if want := map[bool]int{true: 0, false: 1}[tc.wantTunnel]; failed != want {
				t.Errorf("%d failed logons at the domain, want %d\nhelper answers: %q", failed, want, sq.HelperAnswers())
			}
		})
	}
}

// waitSpareReady waits up to limit for ferry to hold a spare connection to
// parent; it returns without one after that, and the caller's count of
// tunnels on spares says so.
func waitSpareReady(t *testing.T, f *testenv.Ferry, parent string, limit time.Duration) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if parentStatus(t, f, parent).SpareConnections > 0 {
			return
		}
	}
}
