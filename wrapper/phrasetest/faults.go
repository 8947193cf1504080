package phrasetest

import (
	"math/rand/v2"
	"sync"
)

// WithLostRequest makes the first n job-creating POSTs that would succeed be lost before Phrase
// acts on them: nothing is created, and the client gets the 502 HTML page of a proxy that could
// not reach Phrase, the same page [WithLostResponse] sends after creating the jobs. A client
// cannot tell the two apart from the answer; only the project's jobs tell. The lost requests are
// taken before those of WithLostResponse.
func WithLostRequest(n int) Option {
	return func(c *config) { c.lostRequests = max(n, 0) }
}

// WithRandomFaults makes each job-creating POST that would succeed fail with probability rate
// (0 to 1), seeded by seed so that a run can be repeated: half of the faults lose the request
// before acting (as [WithLostRequest]), half create the jobs and lose the answer (as
// [WithLostResponse]). Both answer 502 with a proxy's HTML page. [Server.SetFaultRate] changes
// the rate of a running Server; [Server.Faults] counts the faults injected.
func WithRandomFaults(rate float64, seed uint64) Option {
	return func(c *config) { c.faultRate, c.faultSeed = rate, seed }
}

// faultState decides the faults of job-creating POSTs; it is used with the fake's mutex held,
// but for SetFaultRate and Faults, which take its own.
type faultState struct {
	mu         sync.Mutex
	rng        *rand.Rand
	rate       float64
	beforeLeft int
	lostBefore int // requests lost before acting
	lostAfter  int // answers lost after creating (random faults; WithLostResponse not counted)
}

func newFaultState(c *config) faultState {
	return faultState{
		rng:        rand.New(rand.NewPCG(c.faultSeed, c.faultSeed^0x5851f42d4c957f2d)),
		rate:       c.faultRate,
		beforeLeft: c.lostRequests,
	}
}

// draw decides the fate of one job-creating POST that would succeed: lost before acting, or
// answer lost after creating, or neither.
func (s *faultState) draw() (before, after bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.beforeLeft > 0 {
		s.beforeLeft--
		s.lostBefore++
		return true, false
	}
	if s.rate <= 0 {
		return false, false
	}
	x := s.rng.Float64()
	switch {
	case x < s.rate/2:
		s.lostBefore++
		return true, false
	case x < s.rate:
		s.lostAfter++
		return false, true
	}
	return false, false
}

// SetFaultRate changes the rate of [WithRandomFaults] for the requests that follow (0 turns
// random faults off), e.g. to let a last run of a test go through without faults.
func (s *Server) SetFaultRate(rate float64) {
	s.f.faults.mu.Lock()
	s.f.faults.rate = rate
	s.f.faults.mu.Unlock()
}

// Faults returns how many job-creating POSTs were lost before acting (WithLostRequest and
// WithRandomFaults) and how many lost their answer after creating the jobs (WithRandomFaults;
// WithLostResponse is not counted here).
func (s *Server) Faults() (lostBefore, lostAfter int) {
	s.f.faults.mu.Lock()
	defer s.f.faults.mu.Unlock()
	return s.f.faults.lostBefore, s.f.faults.lostAfter
}

// LoseRequests makes the next n job-creating POSTs that would succeed be lost before acting,
// as [WithLostRequest] does for the first ones.
func (s *Server) LoseRequests(n int) {
	s.f.faults.mu.Lock()
	s.f.faults.beforeLeft = max(n, 0)
	s.f.faults.mu.Unlock()
}
