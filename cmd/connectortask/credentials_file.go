package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// maxTokenFileBytes bounds --token-file: an API token is a few dozen bytes.
const maxTokenFileBytes = 64 << 10

// readTokenFile reads the API token of --token-file, trimming surrounding whitespace. It
// refuses what is not a regular file (a FIFO would block forever, a device never end), a file
// over 64 KiB, an empty file and a token with control characters, and warns when the file is
// readable by group or others. No message ever shows the flag's value: a token pasted there
// by mistake must not reach the output.
func (a *app) readTokenFile(path string) (string, error) {
	if path == "" {
		return "", usagef("--token-file needs a file name")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", usagef("--token-file: %s (the file name is not shown: it may be a token pasted by mistake)", fileProblem(err))
	}
	if err := checkTokenFileInfo(fi); err != nil {
		return "", err
	}
	// O_NONBLOCK: should the name become a FIFO between Stat and Open, Open does not block;
	// the Stat of the open file then refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", usagef("--token-file: %s", fileProblem(err))
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return "", usagef("--token-file: %s", fileProblem(err))
	}
	if err := checkTokenFileInfo(fi); err != nil {
		return "", err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFileBytes+1))
	if err != nil {
		return "", usagef("--token-file: reading the file: %s", fileProblem(err))
	}
	if len(b) > maxTokenFileBytes {
		return "", usagef("--token-file: the file is larger than %d KiB, which no API token is: give the file that holds only the token", maxTokenFileBytes>>10)
	}
	tok := strings.TrimSpace(string(b))
	a.secrets.Add(tok)
	if tok == "" {
		return "", usagef("--token-file: the file is empty: put the API token from auth/login in it")
	}
	if fi.Mode().Perm()&0o044 != 0 {
		fmt.Fprintf(a.stderr, "connectortask: warning: --token-file: the file is readable by group or others (mode %04o); make it private: chmod 600 FILE\n", fi.Mode().Perm())
	}
	if err := checkCredentials("--token-file", tok); err != nil {
		return "", err
	}
	return tok, nil
}

func checkTokenFileInfo(fi os.FileInfo) error {
	switch m := fi.Mode(); {
	case m.IsDir():
		return usagef("--token-file: a directory, not a file: give the file that holds the API token")
	case !m.IsRegular():
		return usagef("--token-file: not a regular file (a pipe, socket or device would block or never end): give a file that holds the API token")
	case fi.Size() > maxTokenFileBytes:
		return usagef("--token-file: the file is %d bytes, more than %d KiB, which no API token is: give the file that holds only the token", fi.Size(), maxTokenFileBytes>>10)
	}
	return nil
}

// fileProblem says what is wrong with a file, without its name.
func fileProblem(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied: this user cannot read the file"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

// checkCredentials refuses a secret with a control character (pairs of source name and
// value): it cannot be sent in a header, and the transport would fail before sending, which
// would look like an unknown outcome. The message names the source, never the value.
func checkCredentials(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		source, value := pairs[i], pairs[i+1]
		for pos, r := range value {
			if r < 0x20 || r == 0x7f {
				return usagef("%s holds a control character (0x%02x at byte %d), which no token or password has: check it for a stray escape or line break; nothing was sent", source, r, pos+1)
			}
		}
	}
	return nil
}
