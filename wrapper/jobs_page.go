package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// errNotAPage is the cause of a 2xx list answer that is not a page of jobs.
var errNotAPage = errors.New("the answer is not a page of jobs")

// checkPage reports whether a list answer (asked without count=true) is a page of jobs: a JSON
// object with a "content" array and a "totalElements" number, which Phrase always sends (it
// writes every field, null or not). Anything else — {}, null, {"content":null}, a proxy's JSON
// page — fails: read as an empty page it would prove that no job exists.
func checkPage(data []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return errNotAPage
	}
	content := bytes.TrimSpace(fields["content"])
	if len(content) == 0 || content[0] != '[' {
		return fmt.Errorf(`%w: it has no "content" array`, errNotAPage)
	}
	var total *int64
	if err := json.Unmarshal(fields["totalElements"], &total); err != nil || total == nil {
		return fmt.Errorf(`%w: it has no "totalElements" number`, errNotAPage)
	}
	return nil
}
