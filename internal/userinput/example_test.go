package userinput_test

import (
	"fmt"
	"log"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/userinput"
)

// ParseTime reads absolute and relative times and returns them as they are sent: UTC, whole
// seconds.
func ExampleParseTime() {
	now := time.Date(2026, 11, 28, 17, 3, 12, 0, time.UTC)
	for _, s := range []string{"2026-12-01T18:00:00+01:00", "2026-12-01T17:00:00+0000", "+72h", "+3d"} {
		t, err := userinput.ParseTime(s, now)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(api.NewDateTime(t))
	}
	// Output:
	// 2026-12-01T17:00:00Z
	// 2026-12-01T17:00:00Z
	// 2026-12-01T17:03:12Z
	// 2026-12-01T17:03:12Z
}
