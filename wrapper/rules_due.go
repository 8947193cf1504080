package wrapper

import "time"

// dueNotFuture says why a due date, as sent (UTC, whole seconds), is not in the future of
// cutoff (now, likewise): "in the past", or "now" for a due date of this very second (--due
// +0d), which no translator can meet. It returns "" for a due date in the future.
func dueNotFuture(due, cutoff time.Time) string {
	switch due = utcSeconds(due); {
	case due.Before(cutoff):
		return "in the past"
	case due.Equal(cutoff):
		return "now, not in the future"
	}
	return ""
}
