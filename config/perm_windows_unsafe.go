//go:build windows

package config

import "unsafe"

// unsafePointer turns the address of an ACE's SidStart field into a
// pointer: the SID is stored in place from there (as Windows' own ACE
// walkers read it).
func unsafePointer(p *uint32) unsafe.Pointer { return unsafe.Pointer(p) }
