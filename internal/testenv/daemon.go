package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// daemon is a server process a test started in the foreground, in its own
// process group (childAttr), killed by its pid with the group.
type daemon struct {
	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error
}

// startDaemon runs bin in dir with this process's environment plus env,
// its output in dir/<name>.stderr.
func startDaemon(dir, name string, env []string, bin string, args ...string) (*daemon, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := os.Create(filepath.Join(dir, name+".stderr"))
	if err != nil {
		return nil, fmt.Errorf("create %s stderr file: %w", name, err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	d := &daemon{cmd: cmd, done: make(chan struct{})}
	go func() {
		d.waitErr = cmd.Wait()
		close(d.done)
	}()
	return d, nil
}

// kill kills the process group and waits for the daemon to exit.
func (d *daemon) kill() {
	_ = killGroup(d.cmd.Process.Pid)
	<-d.done
}

// waitListening waits up to 20 s for addr to accept connections, failing
// early when done closes (the server exited; why explains it). It calls
// kill when the time is up.
func waitListening(addr string, done <-chan struct{}, why func() string, kill func()) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return fmt.Errorf("exited at start: %s", why())
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	kill()
	return fmt.Errorf("did not listen on %s within 20s", addr)
}
