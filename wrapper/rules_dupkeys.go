package wrapper

import (
	"fmt"
	"strconv"

	"github.com/seed-a960d6a4/connectortask/internal/jsondup"
)

// duplicateKeyProblems reports every key that an object of data holds twice. JSON decoders
// resolve such keys silently (Go keeps the last, others the first), so what Phrase would act on
// is not what the file seems to say. It is a check of raw JSON, for ValidateRequestJSON.
func duplicateKeyProblems(data []byte) []Problem {
	dups, _ := jsondup.Find(data) // syntax errors are reported elsewhere
	ps := make([]Problem, 0, len(dups))
	for _, d := range dups {
		line, _ := lineCol(data, d.Offset)
		first, _ := lineCol(data, d.First)
		where := fmt.Sprintf("lines %d and %d", first, line)
		if first == line {
			where = fmt.Sprintf("both on line %d", line)
		}
		ps = append(ps, Problem{
			Path: d.Path,
			Message: fmt.Sprintf("key %s appears twice in one object (%s); JSON readers keep only one of them, silently",
				strconv.QuoteToASCII(d.Key), where),
			Fix: "keep one " + strconv.QuoteToASCII(d.Key) + " and merge the values into it",
		})
	}
	return ps
}
