//go:build unix

package main

import (
	"os"
	"syscall"
)

// appends says whether f was opened for appending (>>), or cannot tell (true).
func appends(f *os.File) bool {
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_GETFL, 0)
	return errno != 0 || flags&syscall.O_APPEND != 0
}
