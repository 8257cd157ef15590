package socks5

// Winsock error numbers (WSAECONNREFUSED, WSAENETUNREACH, WSAEHOSTUNREACH).
const (
	errnoConnRefused = 10061
	errnoNetUnreach  = 10051
	errnoHostUnreach = 10065
)
