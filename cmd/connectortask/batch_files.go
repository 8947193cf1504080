package main

import (
	"errors"
	"io"
	"os"
)

// The files of batch mode (the input, stdout, --resume RESULTS, --journal) must be distinct
// where one would feed another: `create --batch f >> f` reads its own results back as lines
// without end. Files are compared by identity (device and inode), not by name.

// statName stats a named file; nil when it does not exist or name is empty or "-".
func statName(name string) os.FileInfo {
	if name == "" || name == "-" {
		return nil
	}
	fi, err := os.Stat(name)
	if err != nil {
		return nil
	}
	return fi
}

// statStream stats a stream when it is a file; nil otherwise.
func statStream(s any) os.FileInfo {
	f, ok := s.(*os.File)
	if !ok || f == nil {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	return fi
}

func same(a, b os.FileInfo) bool { return a != nil && b != nil && os.SameFile(a, b) }

// checkBatchFiles refuses file combinations that feed themselves or overwrite one another.
func (a *app) checkBatchFiles(b *batchFlags) error {
	out := statStream(a.rawStdout)
	input := statName(b.file)
	if b.file == "-" {
		input = statStream(a.stdin)
	}
	journal := statName(b.journal)
	switch {
	case same(out, input):
		return usagef("stdout is the --batch input %s itself: the results would be appended to the input and read back as lines; write them to another file", b.file)
	case same(journal, input):
		return usagef("--journal %s is also the --batch input: give the journal a file of its own", b.journal)
	case same(journal, out):
		return usagef("--journal %s is also this run's stdout: give the journal a file of its own", b.journal)
	case same(journal, statName(b.resume)):
		return usagef("--journal %s is also the --resume results: give the journal a file of its own", b.journal)
	}
	return nil
}

// stdoutIs says whether stdout is the named file (appended to with >>).
func (a *app) stdoutIs(name string) bool {
	return same(statStream(a.rawStdout), statName(name))
}

// readSeeker lets a stream stand where a file is wanted, as long as nobody seeks it.
type readSeeker struct{ io.Reader }

func (readSeeker) Seek(int64, int) (int64, error) {
	return 0, errors.New("standard input cannot be read twice")
}
