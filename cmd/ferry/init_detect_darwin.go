package main

import (
	"context"
	"os/exec"
	"time"
)

// osProxy reads the system proxy of the current network service.
func osProxy() (addr, from string) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/sbin/scutil", "--proxy").Output()
	if err != nil {
		return "", ""
	}
	if a := parseScutilProxy(string(out)); a != "" {
		return a, "macOS network settings (scutil --proxy)"
	}
	return "", ""
}
