// Package rawio holds socket I/O below the net package: reads and writes
// through raw system calls on Linux (rawio_linux.go says why), and a
// non-blocking look at whether an idle connection is still clean.
//
// It owns no connections and knows nothing of HTTP.
package rawio
