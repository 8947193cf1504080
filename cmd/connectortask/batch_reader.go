package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
)

// lineReader reads lines of at most max bytes with a buffer of its own, reused: memory stays
// flat however long the input.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
	n   int   // number of the last line returned
	pos int64 // bytes consumed so far
	off int64 // offset of the last line returned
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its end (\n or \r\n). tooLong: it was longer than max
// bytes, and its content was dropped. complete: it ended with a newline. The line is valid
// until the next call.
func (lr *lineReader) next() (line []byte, tooLong, complete bool, err error) {
	lr.buf = lr.buf[:0]
	read := false
	lr.off = lr.pos
	for {
		chunk, err := lr.r.ReadSlice('\n')
		lr.pos += int64(len(chunk))
		read = read || len(chunk) > 0
		if !tooLong {
			if len(lr.buf)+len(chunk) > lr.max+2 {
				tooLong, lr.buf = true, lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == nil:
			complete = true
		case errors.Is(err, io.EOF):
			if !read {
				return nil, false, false, io.EOF
			}
		default:
			return nil, false, false, err
		}
		lr.n++
		line = bytes.TrimSuffix(bytes.TrimSuffix(lr.buf, []byte("\n")), []byte("\r"))
		if len(line) > lr.max {
			tooLong = true
		}
		if tooLong {
			line = nil
		}
		return line, tooLong, complete, nil
	}
}

// countLines counts the non-blank lines of a file, for the progress's ETA; -1 when it cannot.
func countLines(name string) int {
	fh, err := os.Open(name)
	if err != nil {
		return -1
	}
	defer fh.Close()
	buf := make([]byte, 64<<10)
	n, content := 0, false
	for {
		k, err := fh.Read(buf)
		for _, c := range buf[:k] {
			switch c {
			case '\n':
				if content {
					n++
				}
				content = false
			case ' ', '\t', '\r':
			default:
				content = true
			}
		}
		if err != nil {
			if content {
				n++
			}
			if !errors.Is(err, io.EOF) {
				return -1
			}
			return n
		}
	}
}
