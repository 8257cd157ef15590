package doctor

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/msg"
	"github.com/ferryproxy/ferry/relay/failure"
)

// TestRelayFaultKeepsTheErrorAsMade: doctor's verdict, evidence and rest
// come from the relay's error itself, not from header text: no escaping
// (doctor once printed TESTDOM\\alice for TESTDOM\alice), and the end of a
// rest is the one the error carries.
func TestRelayFaultKeepsTheErrorAsMade(t *testing.T) {
	until := time.Now().Add(time.Hour)
	e := &failure.Error{Cause: failure.LockedOut, Peer: "p:1", Until: until,
		What: `parent proxy p:1 rejected the credentials of TESTDOM\alice ("Basic")`}
	f := relayFault(e, "p:1")
	if f.verdict != msg.LockedOut || f.evidence != e.Error() || !f.until.Equal(until) {
		t.Fatalf("got %s %q %v, want %s %q %v", f.verdict, f.evidence, f.until, msg.LockedOut, e.Error(), until)
	}
	// A parent that answered the probe and then goes silent waits for
	// the site.
	f = relayFault(&failure.Error{Cause: failure.ParentTimeout, Peer: "p:1", What: "parent proxy p:1 did not answer in time"}, "p:1")
	if f.verdict != msg.OriginUnreachable {
		t.Fatalf("silent parent after the probe: verdict %s, want %s", f.verdict, msg.OriginUnreachable)
	}
}

// TestParentAnswerLoopDetected: a parent (or a proxy behind it) that
// answers 508 Loop Detected saw doctor's request come back: proxy_loop,
// as the ferry that detected it says, not ok.
func TestParentAnswerLoopDetected(t *testing.T) {
	resp := &http.Response{StatusCode: http.StatusLoopDetected, Status: "508 Loop Detected",
		Header: http.Header{"Proxy-Status": {`ferry; error=proxy_loop_detected`}}}
	f := parentAnswer("p:1", resp, nil)
	if f == nil || f.verdict != msg.ProxyLoop || !strings.Contains(f.evidence, "508 Loop Detected") {
		t.Fatalf("got %+v, want proxy_loop with the parent's answer", f)
	}
}
