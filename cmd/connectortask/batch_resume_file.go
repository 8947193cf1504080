package main

import (
	"os"
	"syscall"
)

// openResume opens --resume RESULTS, refusing anything but a regular file before reading a
// byte: a FIFO would block the open forever (deaf to SIGINT), and a pipe (<(…)) cannot be read
// twice, which carrying results over needs. Like --token-file, the name is checked, then opened
// without blocking, and the open file checked again (the name may change in between).
func openResume(name string) (*os.File, os.FileInfo, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, nil, usagef("--resume: %v", err)
	}
	if err := checkResumeInfo(name, fi); err != nil {
		return nil, nil, err
	}
	fh, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, usagef("--resume: %v", err)
	}
	if fi, err = fh.Stat(); err != nil {
		fh.Close()
		return nil, nil, usagef("--resume %s: not a readable file", name)
	}
	if err := checkResumeInfo(name, fi); err != nil {
		fh.Close()
		return nil, nil, err
	}
	return fh, fi, nil
}

func checkResumeInfo(name string, fi os.FileInfo) error {
	switch m := fi.Mode(); {
	case m.IsDir():
		return usagef("--resume %s: a directory, not a file: give the file that holds the results (stdout) of the earlier run", name)
	case !m.IsRegular():
		return usagef("--resume %s: not a regular file (a pipe, FIFO, socket or device blocks or cannot be read twice): save the results (stdout) of the earlier run to a file and give that file", name)
	}
	return nil
}
