// Package faultserver is a hostile HTTP server on loopback for tests: it records every request
// it sees (also those it never answers) and, per request, answers or fails as a test decides:
// TCP resets before and after reading the body, a close without an answer, a hang, any status
// with any body (an echo of the request included), and over HTTP/2 with TLS, RST_STREAM with
// any error code before or after the body and GOAWAY below or at the request's stream.
//
// The HTTP/1.1 server reads requests with net/http's parser and writes answers itself; the
// HTTP/2 server speaks frames directly (golang.org/x/net/http2's Framer and hpack), because
// net/http's server cannot reset a stream with a chosen code or send a chosen GOAWAY.
package faultserver

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Kind is what the server does with a request.
type Kind int

const (
	// Answer reads the whole request and answers Status with Header and Body.
	Answer Kind = iota
	// Echo reads the whole request and answers Status with a JSON error body whose
	// errorDescription (and an "echo" field) repeat every request header and the body.
	Echo
	// ResetBeforeBody resets (HTTP/1: TCP RST; HTTP/2: RST_STREAM with Code) once the
	// request's headers are read, before the body is read.
	ResetBeforeBody
	// ResetAfterBody resets (as ResetBeforeBody) after reading the whole body.
	ResetAfterBody
	// CloseAfterBody closes the connection (FIN) after reading the whole body, answering nothing.
	CloseAfterBody
	// Hang reads the whole request and never answers (until the server is closed).
	Hang
	// GoAwayBeforeBody (HTTP/2) sends GOAWAY with a last-stream-id below the request's stream
	// once its headers are read, and closes the connection: the protocol's proof that the
	// request was not processed.
	GoAwayBeforeBody
	// GoAwayAfterBody (HTTP/2) reads the whole request, sends GOAWAY with the request's stream
	// as last-stream-id (it may have been processed) and closes the connection.
	GoAwayAfterBody
	// PartialThenReset reads the whole request, answers Status with Header and the first half
	// of Body (announcing its whole length), then resets (as ResetBeforeBody, with Code).
	PartialThenReset
	// PartialThenGoAway (HTTP/2) reads the whole request, answers as PartialThenReset, then
	// sends GOAWAY with last-stream-id 0 and closes the connection.
	PartialThenGoAway
)

// Action is the server's decision for one request.
type Action struct {
	Kind   Kind
	Status int         // Answer, Echo
	Header http.Header // Answer (e.g. Location, Retry-After)
	Body   string      // Answer
	Code   http2.ErrCode
}

// Acts reports whether a server that took this action may have acted on the request: it read
// the whole request and did not refuse it in a way that says "not processed" (RST_STREAM
// REFUSED_STREAM, GOAWAY below the stream, and the 429 and 503 that Phrase sends before acting).
func (a Action) Acts() bool {
	if (a.Kind == Answer || a.Kind == Echo) && (a.Status == http.StatusTooManyRequests || a.Status == http.StatusServiceUnavailable) {
		return false
	}
	switch a.Kind {
	case ResetBeforeBody, GoAwayBeforeBody:
		return false
	case ResetAfterBody:
		return a.Code != http2.ErrCodeRefusedStream
	}
	return true
}

// Request is one request the server saw.
type Request struct {
	Proto  string // "HTTP/1.1" or "HTTP/2.0"
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Action Action
}

// Decide chooses the action for a request whose method, path and headers are known (its body
// not yet read); n counts the requests with the same method and path, this one included.
type Decide func(r *Request, n int) Action

// Server is a fault server. Create it with NewHTTP1 or NewHTTP2; Close it.
type Server struct {
	URL     string // http://127.0.0.1:port or https://127.0.0.1:port
	CertPEM []byte // the self-signed certificate of an HTTP/2 server (trust it in clients)

	ln     net.Listener
	decide Decide
	done   chan struct{}
	wg     sync.WaitGroup

	mu     sync.Mutex
	reqs   []Request
	counts map[string]int
	conns  map[net.Conn]struct{}
}

func newServer(ln net.Listener, decide Decide, scheme string) *Server {
	return &Server{
		URL:    scheme + "://" + ln.Addr().String(),
		ln:     ln,
		decide: decide,
		done:   make(chan struct{}),
		counts: map[string]int{},
		conns:  map[net.Conn]struct{}{},
	}
}

// NewHTTP1 starts a plain HTTP/1.1 server on 127.0.0.1.
func NewHTTP1(decide Decide) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := newServer(ln, decide, "http")
	s.serve(s.serveHTTP1)
	return s, nil
}

// NewHTTP2 starts an HTTP/2-over-TLS server on 127.0.0.1 (ALPN "h2" only) with a fresh
// self-signed certificate for 127.0.0.1, given in CertPEM.
func NewHTTP2(decide Decide) (*Server, error) {
	cert, certPEM, err := selfSigned()
	if err != nil {
		return nil, err
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ln := tls.NewListener(raw, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12})
	s := newServer(ln, decide, "https")
	s.CertPEM = certPEM
	s.serve(s.serveHTTP2)
	return s, nil
}

// TLSConfig returns a client TLS configuration that trusts the server's certificate.
func (s *Server) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CertPEM)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// Client returns an HTTP client that trusts the server (HTTP/2 when the server speaks it).
func (s *Server) Client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	if s.CertPEM != nil {
		tr.TLSClientConfig = s.TLSConfig()
		tr.ForceAttemptHTTP2 = true
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// Close stops the server, ends hanging requests and closes every connection.
func (s *Server) Close() {
	select {
	case <-s.done:
		return
	default:
	}
	close(s.done)
	_ = s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Requests returns the requests seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Count returns how many requests with method and a path ending in suffix the server saw
// (headers received, whatever it did next).
func (s *Server) Count(method, suffix string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// Acted returns how many of those the server may have acted on (see Action.Acts).
func (s *Server) Acted(method, suffix string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) && r.Action.Acts() {
			n++
		}
	}
	return n
}

// begin records a request whose headers arrived and returns its action.
func (s *Server) begin(r *Request) (int, Action) {
	s.mu.Lock()
	key := r.Method + " " + r.Path
	s.counts[key]++
	n := s.counts[key]
	s.mu.Unlock()
	a := s.decide(r, n)
	if a.Status == 0 {
		a.Status = http.StatusOK
	}
	r.Action = a
	s.mu.Lock()
	s.reqs = append(s.reqs, *r)
	i := len(s.reqs) - 1
	s.mu.Unlock()
	return i, a
}

// setBody records the body of request i once read.
func (s *Server) setBody(i int, body []byte) {
	s.mu.Lock()
	s.reqs[i].Body = body
	s.mu.Unlock()
}

func (s *Server) serve(handle func(net.Conn)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[c] = struct{}{}
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() {
					s.mu.Lock()
					delete(s.conns, c)
					s.mu.Unlock()
					_ = c.Close()
				}()
				handle(c)
			}()
		}
	}()
}

// reset closes c with a TCP RST rather than a FIN.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

func (s *Server) serveHTTP1(c net.Conn) {
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		r := &Request{Proto: "HTTP/1.1", Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone()}
		i, a := s.begin(r)
		if a.Kind == ResetBeforeBody {
			reset(c)
			return
		}
		body, _ := io.ReadAll(req.Body)
		s.setBody(i, body)
		r.Body = body
		switch a.Kind {
		case ResetAfterBody:
			reset(c)
			return
		case PartialThenReset, PartialThenGoAway:
			status, header, out := answer(r, a)
			resp := &http.Response{StatusCode: status, ProtoMajor: 1, ProtoMinor: 1, Header: header, ContentLength: int64(len(out)), Body: io.NopCloser(bytes.NewReader(out[:len(out)/2]))}
			_ = resp.Write(c)
			reset(c)
			return
		case CloseAfterBody:
			return
		case Hang:
			<-s.done
			return
		}
		status, header, out := answer(r, a)
		resp := &http.Response{StatusCode: status, ProtoMajor: 1, ProtoMinor: 1, Header: header, ContentLength: int64(len(out)), Body: io.NopCloser(bytes.NewReader(out))}
		if err := resp.Write(c); err != nil {
			return
		}
	}
}

// answer returns the status, header and body of an Answer or Echo action.
func answer(r *Request, a Action) (int, http.Header, []byte) {
	header := http.Header{}
	for k, v := range a.Header {
		header[k] = append([]string(nil), v...)
	}
	if a.Kind == Echo {
		header.Set("Content-Type", "application/json")
		header.Set("X-Echo-Authorization", r.Header.Get("Authorization"))
		return a.Status, header, echoBody(r)
	}
	if header.Get("Content-Type") == "" && a.Body != "" {
		header.Set("Content-Type", "application/json")
	}
	return a.Status, header, []byte(a.Body)
}

// echoBody repeats every header and the body of r in a JSON error body.
func echoBody(r *Request) []byte {
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(r.Header[k], ", "))
	}
	b.Write(r.Body)
	out, _ := json.Marshal(map[string]any{
		"errorCode":        "ECHO",
		"errorDescription": b.String(),
		"errorDetails":     []map[string]string{{"message": "you sent " + string(r.Body) + " with " + r.Header.Get("Authorization")}},
		"echo":             b.String(),
	})
	return out
}

// h2stream is an HTTP/2 request being received.
type h2stream struct {
	req    *Request
	index  int
	action Action
	body   []byte
}

func (s *Server) serveHTTP2(c net.Conn) {
	if tc, ok := c.(*tls.Conn); ok {
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			return
		}
		_ = tc.SetDeadline(time.Time{})
	}
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	var hbuf bytes.Buffer
	enc := hpack.NewEncoder(&hbuf)
	if err := fr.WriteSettings(); err != nil {
		return
	}
	streams := map[uint32]*h2stream{}
	var last uint32 // the highest stream this server took on
	respond := func(st *h2stream, id uint32) error {
		status, header, out := answer(st.req, st.action)
		partial := st.action.Kind == PartialThenReset || st.action.Kind == PartialThenGoAway
		hbuf.Reset()
		_ = enc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(status)})
		for k, vs := range header {
			for _, v := range vs {
				_ = enc.WriteField(hpack.HeaderField{Name: strings.ToLower(k), Value: v})
			}
		}
		_ = enc.WriteField(hpack.HeaderField{Name: "content-length", Value: strconv.Itoa(len(out))})
		if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hbuf.Bytes(), EndHeaders: true, EndStream: len(out) == 0}); err != nil {
			return err
		}
		if partial {
			if err := fr.WriteData(id, false, out[:len(out)/2]); err != nil {
				return err
			}
			if st.action.Kind == PartialThenGoAway {
				_ = fr.WriteGoAway(0, http2.ErrCodeNo, nil)
				time.Sleep(50 * time.Millisecond) // let the client read the GOAWAY before the close
				return errors.New("goaway sent")
			}
			return fr.WriteRSTStream(id, st.action.Code)
		}
		if len(out) > 0 {
			return fr.WriteData(id, true, out)
		}
		return nil
	}
	// act carries out st's action once its body is complete; it reports false when the
	// connection is to be closed.
	act := func(st *h2stream, id uint32) bool {
		s.setBody(st.index, st.body)
		st.req.Body = st.body
		switch st.action.Kind {
		case ResetAfterBody:
			return fr.WriteRSTStream(id, st.action.Code) == nil
		case CloseAfterBody:
			return false
		case Hang:
			return true
		case GoAwayAfterBody:
			_ = fr.WriteGoAway(id, http2.ErrCodeNo, nil)
			return false
		}
		return respond(st, id) == nil
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				if fr.WriteSettingsAck() != nil {
					return
				}
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				_ = fr.WritePing(true, f.Data)
			}
		case *http2.MetaHeadersFrame:
			id := f.StreamID
			r := &Request{Proto: "HTTP/2.0", Header: http.Header{}}
			for _, hf := range f.Fields {
				switch hf.Name {
				case ":method":
					r.Method = hf.Value
				case ":path":
					r.Path, _, _ = strings.Cut(hf.Value, "?")
				default:
					if !strings.HasPrefix(hf.Name, ":") {
						r.Header.Add(hf.Name, hf.Value)
					}
				}
			}
			i, a := s.begin(r)
			st := &h2stream{req: r, index: i, action: a}
			switch a.Kind {
			case ResetBeforeBody:
				if fr.WriteRSTStream(id, a.Code) != nil {
					return
				}
				continue
			case GoAwayBeforeBody:
				_ = fr.WriteGoAway(last, http2.ErrCodeNo, nil)
				time.Sleep(50 * time.Millisecond) // let the client read the GOAWAY before the close
				return
			}
			last = id
			streams[id] = st
			if f.StreamEnded() && !act(st, id) {
				return
			}
		case *http2.DataFrame:
			id := f.StreamID
			if n := len(f.Data()); n > 0 {
				// Give the flow-control window back at once: the bodies of these tests are small.
				_ = fr.WriteWindowUpdate(0, uint32(n))
				_ = fr.WriteWindowUpdate(id, uint32(n))
			}
			st := streams[id]
			if st == nil {
				continue
			}
			st.body = append(st.body, f.Data()...)
			if f.StreamEnded() {
				delete(streams, id)
				if !act(st, id) {
					return
				}
			}
		case *http2.GoAwayFrame:
			return
		}
	}
}

// selfSigned returns a fresh certificate for 127.0.0.1 and ::1, valid for a day, and its PEM.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "faultserver"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, certPEM, nil
}
