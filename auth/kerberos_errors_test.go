package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/jcmturner/gokrb5/v8/iana/errorcode"
	"github.com/jcmturner/gokrb5/v8/krberror"
	"github.com/jcmturner/gokrb5/v8/messages"
)

// gokrb5Err builds an error the way gokrb5 reports a KDC's KRB-ERROR: the
// KRBError flattened into a krberror string.
func gokrb5Err(code int32) error {
	return krberror.Errorf(messages.KRBError{ErrorCode: code}, krberror.KDCError, "AS Exchange Error: kerberos error response from KDC")
}

func TestKerberosErrorsNameTheCause(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		kind     error
		rejected bool // wraps ErrRejected (counts as a failed logon)
		noCreds  bool // wraps ErrNoCredentials (fall back to NTLM)
		text     []string
	}{
		{"clock skew", gokrb5Err(errorcode.KRB_AP_ERR_SKEW), ErrKerberosClockSkew, false, false,
			[]string{"clocks", "KRB_AP_ERR_SKEW"}},
		{"unknown spn", gokrb5Err(errorcode.KDC_ERR_S_PRINCIPAL_UNKNOWN), ErrKerberosUnknownSPN, false, false,
			[]string{"does not know HTTP/10.0.0.1", "DNS name"}},
		{"wrong password", gokrb5Err(errorcode.KDC_ERR_PREAUTH_FAILED), ErrKerberosLogonRejected, true, false,
			[]string{"refused the password", "amy@CORP"}},
		{"locked account", gokrb5Err(errorcode.KDC_ERR_CLIENT_REVOKED), ErrKerberosLogonRejected, true, false,
			[]string{"locked or disabled"}},
		{"password expired", gokrb5Err(errorcode.KDC_ERR_KEY_EXPIRED), ErrKerberosLogonRejected, true, false,
			[]string{"expired"}},
		{"unknown user", gokrb5Err(errorcode.KDC_ERR_C_PRINCIPAL_UNKNOWN), ErrKerberosUnknownUser, true, false,
			[]string{"does not know the user amy@CORP"}},
		{"ticket expired", gokrb5Err(errorcode.KRB_AP_ERR_TKT_EXPIRED), ErrKerberosTicketExpired, false, true,
			[]string{"kinit"}},
		{"no preauth, wrong password",
			krberror.Errorf(errors.New("decrypt failed"), krberror.KRBMsgError, "AS Exchange Error: AS_REP is not valid or client password/keytab incorrect"),
			ErrKerberosLogonRejected, true, false, []string{"wrong"}},
		{"kdc down",
			krberror.Errorf(errors.New("failed to communicate with KDC. Attempts made with UDP (x) and then TCP (y)"), krberror.NetworkingError, "AS Exchange Error: failed sending AS_REQ to KDC"),
			ErrKerberosKDCUnreachable, false, false, []string{"no KDC of the realm answered"}},
		{"unknown", errors.New("something odd"), nil, false, false, []string{"something odd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := error(classifyKerberos("log on", "amy@CORP", "HTTP/10.0.0.1", tt.err))
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.kind)
			}
			if got := errors.Is(err, ErrRejected); got != tt.rejected {
				t.Errorf("errors.Is(ErrRejected) = %v, want %v", got, tt.rejected)
			}
			if got := errors.Is(err, ErrNoCredentials); got != tt.noCreds {
				t.Errorf("errors.Is(ErrNoCredentials) = %v, want %v", got, tt.noCreds)
			}
			// krberror.Krberror holds a slice, so errors.Is cannot compare it.
			var ke *KerberosError
			if !errors.As(err, &ke) || ke.Err == nil || ke.Err.Error() != tt.err.Error() {
				t.Error("the gokrb5 error is not kept")
			}
			for _, w := range tt.text {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "kerberos: log on: ") {
				t.Errorf("%q does not start with the operation", err)
			}
		})
	}
}
