package socks5

import (
	"context"
	"errors"
	"net"

	"github.com/ferryproxy/ferry/internal/neterr"
)

// Reply codes, RFC 1928 section 6.
const (
	ReplySucceeded           byte = 0x00
	ReplyGeneralFailure      byte = 0x01
	ReplyNotAllowed          byte = 0x02 // connection not allowed by ruleset
	ReplyNetworkUnreachable  byte = 0x03
	ReplyHostUnreachable     byte = 0x04
	ReplyConnectionRefused   byte = 0x05
	ReplyTTLExpired          byte = 0x06
	ReplyCommandNotSupported byte = 0x07
	ReplyAddressNotSupported byte = 0x08
)

// ReplyCoder lets a Dialer's error choose the reply code: the relay knows
// that a parent answered 403 (not allowed) or 502 (host unreachable), which
// no net error says.
type ReplyCoder interface{ SOCKSReply() byte }

// ReplyError is a ready-made ReplyCoder: an error with the code to send.
type ReplyError struct {
	Code byte
	Err  error
}

func (e *ReplyError) Error() string {
	if e.Err == nil {
		return replyText(e.Code)
	}
	return e.Err.Error()
}
func (e *ReplyError) Unwrap() error    { return e.Err }
func (e *ReplyError) SOCKSReply() byte { return e.Code }

// ReplyFor picks the reply code for a Dialer error: the error's own
// ReplyCoder if it has one, else what the net error means.
func ReplyFor(err error) byte {
	var rc ReplyCoder
	if errors.As(err, &rc) {
		return rc.SOCKSReply()
	}
	var dnsErr *net.DNSError
	switch {
	case neterr.IsRefused(err):
		return ReplyConnectionRefused
	case neterr.IsNetworkUnreachable(err):
		return ReplyNetworkUnreachable
	case neterr.IsHostUnreachable(err):
		return ReplyHostUnreachable
	case errors.As(err, &dnsErr):
		return ReplyHostUnreachable
	case errors.Is(err, context.DeadlineExceeded) || neterr.IsTimeout(err):
		return ReplyTTLExpired
	}
	return ReplyGeneralFailure
}

func replyText(code byte) string {
	switch code {
	case ReplySucceeded:
		return "succeeded"
	case ReplyGeneralFailure:
		return "general failure"
	case ReplyNotAllowed:
		return "connection not allowed"
	case ReplyNetworkUnreachable:
		return "network unreachable"
	case ReplyHostUnreachable:
		return "host unreachable"
	case ReplyConnectionRefused:
		return "connection refused"
	case ReplyTTLExpired:
		return "TTL expired"
	case ReplyCommandNotSupported:
		return "command not supported"
	case ReplyAddressNotSupported:
		return "address type not supported"
	}
	return "reply " + string("0123456789abcdef"[code>>4]) + string("0123456789abcdef"[code&15])
}
