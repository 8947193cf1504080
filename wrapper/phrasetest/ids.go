package phrasetest

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
)

// idKind says what an id is for, which decides its shape (unless WithIDSource overrides it).
type idKind int

const (
	idUID   idKind = iota // a Phrase uid: 16 letters and digits, e.g. Jb4rT8yU2iO6pA1s
	idAsync               // an asynchronous request id: decimal digits, e.g. 900123
	idToken               // a login token: 32 letters and digits
)

const alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// ids hands out ids. It is used with the fake's mutex held.
type ids struct {
	source  func() string // WithIDSource; nil when ids are generated here
	rng     *rand.Rand
	asyncID int
}

func newIDs(c *config) *ids {
	g := &ids{source: c.idSource, asyncID: 900000}
	var s1, s2 uint64
	if c.seed != nil {
		s1, s2 = *c.seed, *c.seed^0x9e3779b97f4a7c15
	} else {
		var b [16]byte
		_, _ = crand.Read(b[:]) // never fails (crypto/rand panics instead)
		s1, s2 = binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	}
	g.rng = rand.New(rand.NewPCG(s1, s2))
	return g
}

func (g *ids) next(kind idKind) string {
	if g.source != nil {
		return g.source()
	}
	switch kind {
	case idAsync:
		g.asyncID += 1 + g.rng.IntN(97)
		return strconv.Itoa(g.asyncID)
	case idToken:
		return g.alnum(32)
	default:
		return g.alnum(16)
	}
}

func (g *ids) alnum(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphanumerics[g.rng.IntN(len(alphanumerics))]
	}
	return string(b)
}
