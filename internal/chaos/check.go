package chaos

import (
	"bufio"
	"encoding/json"
	"net/url"
	"os"
	"strings"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// The harness reads the results with a reader of its own (not the CLI's), by the rules the
// README states: a later record of a line wins, except that created stays created; a send
// record without a result after it means the line was in flight (unknown); records cut short
// by a kill are ignored; a resume header announces how many carried results follow.

// Final states of a line.
const (
	stateMissing = ""
	stateCreated = "created"
	stateUnknown = "unknown"
	stateFailed  = "failed"
)

// resultsFile is what one results file says.
type resultsFile struct {
	records       int
	state         map[int]string   // line -> state
	reportedOK    map[int]bool     // lines with a record "ok": true
	reportedJobs  map[int][]string // the uids of the jobs those records give
	carryComplete bool             // every resume header is followed by all the results it announced
}

func readResults(path string) (resultsFile, error) {
	rf := resultsFile{state: map[int]string{}, reportedOK: map[int]bool{}, reportedJobs: map[int][]string{}, carryComplete: true}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return rf, nil
	}
	if err != nil {
		return rf, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	carryLeft := 0
	for sc.Scan() {
		var rec struct {
			Line    *int  `json:"line"`
			OK      *bool `json:"ok"`
			Sending bool  `json:"sending"`
			Skipped bool  `json:"skipped"`
			Error   *struct {
				Outcome string `json:"outcome"`
			} `json:"error"`
			Resumed *struct {
				Carried int `json:"carried"`
			} `json:"resumed"`
			Result *struct {
				Jobs []struct {
					UID string `json:"uid"`
				} `json:"jobs"`
			} `json:"result"`
		}
		if strings.TrimSpace(sc.Text()) == "" || json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue // cut short by a kill
		}
		rf.records++
		if rec.Resumed != nil {
			if carryLeft > 0 {
				rf.carryComplete = false
			}
			carryLeft = rec.Resumed.Carried
			continue
		}
		if rec.Line == nil {
			continue
		}
		if carryLeft > 0 {
			carryLeft--
		}
		n := *rec.Line
		if rec.OK != nil && *rec.OK && rec.Result != nil {
			for _, j := range rec.Result.Jobs {
				rf.reportedJobs[n] = append(rf.reportedJobs[n], j.UID)
			}
		}
		if rf.state[n] == stateCreated {
			continue
		}
		switch {
		case rec.Sending:
			rf.state[n] = stateUnknown
		case rec.OK != nil && *rec.OK:
			rf.state[n] = stateCreated
			rf.reportedOK[n] = true
		case rec.Error != nil && rec.Error.Outcome == "failed":
			rf.state[n] = stateFailed
		default:
			rf.state[n] = stateUnknown
		}
	}
	if carryLeft > 0 {
		rf.carryComplete = false
	}
	return rf, sc.Err()
}

// creates counts, per downloadTaskId, the job-creating POSTs the fake answered 201 (its own
// record: a lost answer's 201 is recorded before the fault replaced it).
func creates(srv *phrasetest.Server) map[string]int {
	out := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Method != "POST" || !strings.HasSuffix(r.Path, "/jobs/connectorTask") || r.Status != 201 {
			continue
		}
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			continue
		}
		out[q.Get("downloadTaskId")]++
	}
	return out
}

// jobFiles maps the uid of every job the fake holds to its file name.
func jobFiles(srv *phrasetest.Server) map[string]string {
	out := map[string]string{}
	for _, j := range srv.Jobs() {
		if j.Uid != nil && j.Filename != nil {
			out[*j.Uid] = *j.Filename
		}
	}
	return out
}
