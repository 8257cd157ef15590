package testenv

import "syscall"

// childAttr puts a child (squid, ferry) in its own process group and has the
// kernel kill it when the test process dies, so a test binary that crashes
// or is killed does not leave proxies behind holding ports and /dev/shm.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the process group childAttr made for pid.
func killGroup(pid int) error { return syscall.Kill(-pid, syscall.SIGKILL) }
