//go:build !windows

package socks5

// Elsewhere syscall's own constants already match; zero disables isErrno.
const (
	errnoConnRefused = 0
	errnoNetUnreach  = 0
	errnoHostUnreach = 0
)
