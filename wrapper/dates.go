package wrapper

import "time"

// utcSeconds returns t as it goes on the wire: UTC, whole seconds.
func utcSeconds(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
