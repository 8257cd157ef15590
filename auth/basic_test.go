package auth

import (
	"errors"
	"testing"
)

func TestBasicSendsCredentialsFirst(t *testing.T) {
	s := NewBasic(`CORP\Aladdin`, "open sesame")
	if s.Name() != SchemeBasic || s.PerConnection() {
		t.Fatalf("Name() = %q, PerConnection() = %v", s.Name(), s.PerConnection())
	}
	sess, err := s.NewSession("proxy.corp")
	if err != nil {
		t.Fatal(err)
	}
	tgt := Target{Proxy: "proxy.corp", Method: "GET", URI: "http://example.org/"}
	st, err := sess.Step(tgt, nil)
	if err != nil {
		t.Fatal(err)
	}
	// base64("CORP\Aladdin:open sesame")
	if want := "Basic Q09SUFxBbGFkZGluOm9wZW4gc2VzYW1l"; st.Header != want || !st.Final {
		t.Errorf("Step = %+v, want header %q and Final", st, want)
	}
	_, err = sess.Step(tgt, &Challenge{Scheme: SchemeBasic, Params: map[string]string{"realm": "r"}})
	if !errors.Is(err, ErrRejected) {
		t.Errorf("challenge after credentials: err = %v, want ErrRejected", err)
	}
}

func TestBasicAnswersChallengeWhenNothingSent(t *testing.T) {
	sess, _ := NewBasic("Aladdin", "open sesame").NewSession("p")
	st, err := sess.Step(Target{Proxy: "p"}, &Challenge{Scheme: SchemeBasic})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="; st.Header != want || !st.Final {
		t.Errorf("Step = %+v, want %q (RFC 7617 2) and Final", st, want)
	}
}
