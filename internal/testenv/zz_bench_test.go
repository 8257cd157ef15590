package testenv
import ("testing";"io";"time")
func TestZZSpeed(t *testing.T){ s:=time.Now(); io.Copy(io.Discard, Pattern(200<<20)); t.Log(time.Since(s)); s=time.Now(); PatternSHA256(200<<20); t.Log(time.Since(s)) }
