package bench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ferryproxy/ferry/internal/testenv"
)

// TestMain doubles as the tunnel sink (FERRY_BENCH_SINK=1): idle tunnels
// end in a process of their own, so that neither this process (which holds
// the app side of every tunnel) nor the relay runs out of descriptors first.
func TestMain(m *testing.M) {
	if os.Getenv("FERRY_BENCH_SINK") == "1" {
		runSink()
		return
	}
	code := m.Run()
	testenv.RemoveFerryBuild()
	os.Exit(code)
}

// runSink accepts connections and holds them until stdin closes.
func runSink() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr())
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				continue
			}
			// Hold the connection: a goroutine reads until the relay closes it.
			go func() { _, _ = io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// startSink runs the sink and returns its address.
func startSink(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "FERRY_BENCH_SINK=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr := strings.TrimSpace(line)
	if _, _, serr := net.SplitHostPort(addr); err != nil || serr != nil {
		t.Fatalf("tunnel sink did not start: %q %v", line, err)
	}
	return addr
}
