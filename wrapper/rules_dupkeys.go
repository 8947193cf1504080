package wrapper

import "github.com/seed-a960d6a4/connectortask/internal/jsondup"

// duplicateKeyProblems reports every key that an object of data holds twice. JSON decoders
// resolve such keys silently (Go keeps the last, others the first), so what Phrase would act on
// is not what the file seems to say. It is a check of raw JSON, for ValidateRequestJSON.
func duplicateKeyProblems(data []byte) []Problem {
	dups, _ := jsondup.Find(data) // syntax errors are reported elsewhere
	ps := make([]Problem, 0, len(dups))
	for _, d := range dups {
		ps = append(ps, Problem{Path: d.Path, Message: d.Message(data), Fix: d.Fix()})
	}
	return ps
}
