//go:build !linux && !darwin && !windows

package main

// osProxy knows no system proxy setting on this OS.
func osProxy() (addr, from string) { return "", "" }
