// Package jsondup finds keys that appear more than once in one JSON object. Go's decoder (like
// most) silently keeps one of them, so {"targetLangs":["de"],"targetLangs":["fr"]} would send
// only French; the CLI and the wrapper's offline validation report such keys instead.
package jsondup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Duplicate is a key that an object holds again.
type Duplicate struct {
	Path   string // JSON pointer of the repeated member, e.g. "/targetLangs" or "/workflowSettings/0/due"
	Key    string // the key as decoded
	Offset int64  // byte offset just past the repeated key in the input
	First  int64  // byte offset just past the key's first occurrence
}

// frame is one open object or array of the walk.
type frame struct {
	object    bool
	path      string           // pointer of this container
	keys      map[string]int64 // object: keys seen, with the offset just past each
	key       string           // object: the key whose value comes next
	expectKey bool             // object: a key (or the end) comes next
	index     int              // array: index of the next element
}

// child is the pointer of the value that comes next in f.
func (f *frame) child() string {
	if f.object {
		return f.path + "/" + escape(f.key)
	}
	return f.path + "/" + strconv.Itoa(f.index)
}

// Find walks data token by token and returns every repeated key, in input order. No tree is
// built: memory grows with the nesting and with the keys of the objects still open. It reads
// the first JSON value only. For input that is not JSON it returns the decoder's error, with the
// duplicates found before it.
func Find(data []byte) ([]Duplicate, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers are skipped, never converted
	var (
		stack []*frame
		dups  []Duplicate
	)
	// valueDone records that the innermost container has read one more value; it reports
	// whether the document is complete.
	valueDone := func() bool {
		if len(stack) == 0 {
			return true
		}
		f := stack[len(stack)-1]
		if f.object {
			f.expectKey = true
		} else {
			f.index++
		}
		return false
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return dups, io.ErrUnexpectedEOF
		}
		if err != nil {
			return dups, err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				if valueDone() {
					return dups, nil
				}
				continue
			}
			key, ok := tok.(string)
			if !ok {
				return dups, errors.New("jsondup: an object key is not a string")
			}
			off := dec.InputOffset()
			if first, seen := top.keys[key]; seen {
				dups = append(dups, Duplicate{Path: top.path + "/" + escape(key), Key: key, Offset: off, First: first})
			} else {
				top.keys[key] = off
			}
			top.key, top.expectKey = key, false
			continue
		}
		path := ""
		if top != nil {
			path = top.child()
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, path: path, keys: map[string]int64{}, expectKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{path: path})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
			if valueDone() {
				return dups, nil
			}
		default: // a string, number, bool or null
			if valueDone() {
				return dups, nil
			}
		}
	}
}

// escape escapes one JSON pointer segment (RFC 6901).
func escape(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// Message says what is wrong, for a person: the key and the lines of both occurrences in data
// (the input Find read), e.g. `key "targetLangs" appears twice in one object (lines 2 and 5); …`.
func (d Duplicate) Message(data []byte) string {
	first, line := lineOf(data, d.First), lineOf(data, d.Offset)
	where := fmt.Sprintf("lines %d and %d", first, line)
	if first == line {
		where = fmt.Sprintf("both on line %d", line)
	}
	return fmt.Sprintf("key %s appears twice in one object (%s); JSON readers keep only one of them, silently", strconv.QuoteToASCII(d.Key), where)
}

// Fix says what to do about it.
func (d Duplicate) Fix() string {
	return "keep one " + strconv.QuoteToASCII(d.Key) + " and merge the values into it"
}

// lineOf returns the 1-based line of a byte offset.
func lineOf(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}
