package phrasetest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the suite when any test leaves a goroutine behind: Close must stop everything.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
