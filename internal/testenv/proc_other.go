//go:build !linux

package testenv

import (
	"os"
	"syscall"
)

// childAttr is the portable fallback: no process group and no parent-death
// signal, so a crashed test may leave its children running.
func childAttr() *syscall.SysProcAttr { return nil }

// killGroup kills pid alone.
func killGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
