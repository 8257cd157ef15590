package credentials

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

func TestPasswordCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the cases are sh syntax")
	}
	tests := []struct {
		name, cmd, want string
		errHas          []string
	}{
		{"first line only", `printf 'Pass word!\nmetadata: x\n'`, "Pass word!", nil},
		{"crlf", `printf 'pw\r\n'`, "pw", nil},
		{"no newline", `printf pw`, "pw", nil},
		{"pipes work", `echo c2VjcmV0 | base64 -d`, "secret", nil},
		{"fails with stderr", `echo 'gpg: decryption failed: No secret key' >&2; echo aHVudGVyMg== | base64 -d; exit 2`, "",
			[]string{"exit status 2", "gpg: decryption failed: No secret key", `password_command "echo`}},
		{"empty output", `true`, "", []string{"printed no password"}},
		{"empty command", `  `, "", []string{"password_command is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PasswordCommand{Command: tt.cmd}.Password(context.Background())
			if tt.errHas == nil {
				if err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %q, want an error", got)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q carries the command's stdout", err)
			}
		})
	}
}

func TestPasswordCommandTimeout(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sh syntax")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200e6)
	defer cancel()
	_, err := PasswordCommand{Command: "sleep 5"}.Password(ctx)
	if err == nil || !strings.Contains(err.Error(), "no answer in time") {
		t.Fatalf("err = %v, want a timeout", err)
	}
}
