package auth

import (
	"maps"
	"reflect"
	"testing"
)

func TestParseChallenges(t *testing.T) {
	type p = map[string]string
	tests := []struct {
		name   string
		values []string
		want   []Challenge
	}{
		{"bare schemes in one value", []string{"Negotiate, NTLM"},
			[]Challenge{{Scheme: SchemeNegotiate}, {Scheme: SchemeNTLM}}},
		{"schemes canonicalised", []string{"negotiate", "ntlm", "DIGEST nonce=x", "bAsIc realm=r", "Kerberos"},
			[]Challenge{{Scheme: SchemeNegotiate}, {Scheme: SchemeNTLM}, {Scheme: SchemeDigest, Params: p{"nonce": "x"}},
				{Scheme: SchemeBasic, Params: p{"realm": "r"}}, {Scheme: "Kerberos"}}},
		{"ntlm token68 with padding", []string{"NTLM TlRMTVNTUAACAAAA=="},
			[]Challenge{{Scheme: SchemeNTLM, Token: "TlRMTVNTUAACAAAA=="}}},
		{"token68 with + and /", []string{"Negotiate oYG3+/ab"},
			[]Challenge{{Scheme: SchemeNegotiate, Token: "oYG3+/ab"}}},
		{"squid style list", []string{`Negotiate, NTLM, Digest realm="Squid proxy", nonce="abc=", qop="auth", stale=false, Basic realm="Squid proxy"`},
			[]Challenge{{Scheme: SchemeNegotiate}, {Scheme: SchemeNTLM},
				{Scheme: SchemeDigest, Params: p{"realm": "Squid proxy", "nonce": "abc=", "qop": "auth", "stale": "false"}},
				{Scheme: SchemeBasic, Params: p{"realm": "Squid proxy"}}}},
		{"quoted string escapes and commas", []string{`Basic realm="a \"b\", c\\d"`},
			[]Challenge{{Scheme: SchemeBasic, Params: p{"realm": `a "b", c\d`}}}},
		{"param names lower-cased, whitespace around =", []string{"Digest Realm = \"x\" ,\tNONCE=y"},
			[]Challenge{{Scheme: SchemeDigest, Params: p{"realm": "x", "nonce": "y"}}}},
		{"duplicate param keeps first", []string{`Basic realm="a", realm="b"`},
			[]Challenge{{Scheme: SchemeBasic, Params: p{"realm": "a"}}}},
		{"empty list elements", []string{" , ,Basic realm=x,, ,NTLM,"},
			[]Challenge{{Scheme: SchemeBasic, Params: p{"realm": "x"}}, {Scheme: SchemeNTLM}}},
		{"unterminated quote drops the param", []string{`Digest nonce="n", realm="oops`},
			[]Challenge{{Scheme: SchemeDigest, Params: p{"nonce": "n"}}}},
		{"bad param skipped, rest kept", []string{`Digest realm=@@, nonce="n", Basic`},
			[]Challenge{{Scheme: SchemeDigest, Params: p{"nonce": "n"}}, {Scheme: SchemeBasic}}},
		{"stray param with no scheme", []string{`realm="x", Basic`},
			[]Challenge{{Scheme: SchemeBasic}}},
		{"empty and garbage values", []string{"", "   ", "\"\x00@", "=,="},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseChallenges(tt.values)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseChallenges(%q)\n got %#v\nwant %#v", tt.values, got, tt.want)
			}
		})
	}
}

func TestChallengeStringOmitsToken(t *testing.T) {
	c := Challenge{Scheme: SchemeNTLM, Token: "TlRMTVNTUAACAAAA"}
	if got := c.String(); got != "NTLM" {
		t.Errorf("String() = %q, want %q", got, "NTLM")
	}
	d := Challenge{Scheme: SchemeDigest, Params: map[string]string{"realm": `R "q"`, "nonce": "n"}}
	if got, want := d.String(), `Digest nonce="n", realm="R \"q\""`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Negotiate, NTLM, Digest realm="Squid proxy", nonce="abc", qop="auth", stale=false, Basic realm="x"`,
		"NTLM TlRMTVNTUAACAAAACQAJAK6qqqoBgoigsYpHZGxx4y8AAAAAAAA6AFdPUktHUk9VUA==",
		`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"`,
		`Basic realm="a \"b\", c\\d"`,
		`Digest nonce="unterminated`,
		"=,=, ,\t\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range ParseChallenges([]string{s}) {
			if c.Scheme == "" {
				t.Fatalf("challenge without scheme from %q", s)
			}
			if c.Token != "" && c.Params != nil {
				t.Fatalf("challenge with both token and params from %q", s)
			}
			out := c.String()
			// String must render back to the same scheme and params.
			back := ParseChallenges([]string{out})
			if len(back) != 1 || back[0].Scheme != c.Scheme || !maps.Equal(back[0].Params, c.Params) {
				t.Fatalf("String() = %q of %#v parses back as %#v", out, c, back)
			}
			if c.Token != "" && out != c.Scheme {
				t.Fatalf("String() = %q of a token challenge, want just %q", out, c.Scheme)
			}
		}
	})
}
