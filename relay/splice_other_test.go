//go:build !linux

package relay

func pooledPipeFDs() int { return 0 }
