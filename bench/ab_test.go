package bench

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// FERRY_BENCH_AB=PATH runs a second ferry, the binary at PATH (built from
// another commit: `go build -o /tmp/ferry-before ./cmd/ferry`), beside the
// one under test, logged on to the same squid with the same configuration.
// It takes its turn in every round of the rates and the downloads as
// "ferry B", so that the two are compared on the same moments of the
// shared machine (an A/B), which runs minutes apart cannot do: the VM's
// speed drifts by 10-20 % between them.
const abEnv = "FERRY_BENCH_AB"

var abListening = regexp.MustCompile(`msg="ferry listening".*\baddr=(\S+)`)

// startBinaryFerry runs `BIN run --config FILE -v` with configTOML and
// returns its address and pid; it is stopped at cleanup.
func startBinaryFerry(t *testing.T, bin, configTOML string, env ...string) (string, int) {
	t.Helper()
	dir := testenv.TempDir(t)
	cfg := filepath.Join(dir, "ferry.toml")
	if err := os.WriteFile(cfg, []byte(configTOML), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", cfg, "-v")
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", abEnv, err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	addr := make(chan string, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			if m := abListening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- strings.Trim(m[1], `"`):
				default:
				}
			}
		}
		_ = cmd.Wait()
	}()
	select {
	case a := <-addr:
		return a, cmd.Process.Pid
	case <-done:
		t.Fatalf("%s: %s exited before listening", abEnv, bin)
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: %s did not listen within 10 s", abEnv, bin)
	}
	return "", 0
}

// withBaseline adds "ferry B" after "ferry" when FERRY_BENCH_AB names a
// binary; config and env are ferry's own.
func withBaseline(t *testing.T, relays []relayUnderTest, config string, env ...string) []relayUnderTest {
	bin := os.Getenv(abEnv)
	if bin == "" {
		return relays
	}
	addr, pid := startBinaryFerry(t, bin, config, env...)
	var out []relayUnderTest
	for _, rl := range relays {
		out = append(out, rl)
		if rl.name == "ferry" {
			out = append(out, relayUnderTest{"ferry B", addr, pid, rl.parentPid})
		}
	}
	t.Logf("A/B: \"ferry B\" is %s", bin)
	return out
}

// ferryConfig is the configuration startNTLMFerry gives ferry.
func ferryConfig(parent, user, domain, extra string) string {
	return fmt.Sprintf(`listen = ["127.0.0.1:0"]
parents = [%q]
[auth]
scheme = "ntlm"
user = %q
domain = %q
`, parent, user, domain) + extra
}
