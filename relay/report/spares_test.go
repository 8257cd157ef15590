package report

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
)

// TestStatusPageListsSpares: each parent's card on the status page, in
// every language, and its line in the text form show the spare connections
// ready now and how many requests took one, as /status.json and /metrics
// do (spare_connections, spares_used).
func TestStatusPageListsSpares(t *testing.T) {
	st := Status{Started: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC), Parents: []ParentStatus{
		{Addr: "proxy-a.corp:8080", State: ParentUp, Up: true, Auth: "ok", IdleConnections: 3, SpareConnections: 2, SparesUsed: 17},
		{Addr: "proxy-b.corp:8080", State: ParentUp, Up: true, Auth: "ok", SpareConnections: 0, SparesUsed: 5},
	}}
	s := &Pages{Status: func() Status { return st },
		Addrs: func() []net.Addr { return []net.Addr{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3128}} }}
	serve := func(lang, accept string) string {
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:3128/", nil)
		r.RemoteAddr = "127.0.0.1:50000"
		r.Header.Set("Accept-Language", lang)
		r.Header.Set("Accept", accept)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", lang, accept, w.Code, w.Body.String())
		}
		return w.Body.String()
	}
	for _, lang := range msg.Langs() {
		page := serve(lang, "text/html")
		cards := strings.Split(page, `data-parent="`)[1:]
		if len(cards) != 2 {
			t.Fatalf("%s: %d parent cards, want 2:\n%s", lang, len(cards), page)
		}
		for i, want := range []string{
			`<dd class="spares">2</dd>`, `<dd class="spares-used">17</dd>`,
			`<dd class="spares">0</dd>`, `<dd class="spares-used">5</dd>`,
		} {
			if !strings.Contains(cards[i/2], want) {
				t.Errorf("%s: card of %s lacks %q:\n%s", lang, st.Parents[i/2].Addr, want, cards[i/2])
			}
		}
		for _, k := range []string{"status.spares", "status.spares_used"} {
			if l := msg.T(lang, k); l == k || !strings.Contains(page, "<dt>"+l+"</dt>") {
				t.Errorf("%s: the page lacks the label %s (%q)", lang, k, l)
			}
		}
	}
	text := serve("en", "text/plain")
	for _, want := range []string{
		"parent proxy-a.corp:8080: up; scheme -; logon ok; 3 idle connections, 2 spare (17 used);",
		"parent proxy-b.corp:8080: up; scheme -; logon ok; 0 idle connections, 0 spare (5 used);",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text status lacks %q:\n%s", want, text)
		}
	}
}
