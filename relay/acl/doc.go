// Package acl decides which clients may use ferry: allow and deny lists of
// addresses and CIDR ranges, loopback always admitted, and a net.Listener
// that refuses the others (with a 403 that says why on an HTTP listener).
//
// It does not open listeners or decide which addresses ferry listens on
// (package relay), nor read the config file (package config).
package acl
