package phrasetest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/internal/apiserver"
)

// BasePath is the path prefix Phrase serves its API under; [Server.URL] ends with it.
const BasePath = "/web"

// Server is a running fake of Phrase TMS. Its exported fields say how to reach and use it;
// they are informational, and changing them changes nothing in the Server.
type Server struct {
	// URL is the API root, including /web, e.g. http://127.0.0.1:41234/web. Pass it to
	// api.NewClientWithResponses as the server.
	URL string
	// Token is a valid static API token, accepted as "Authorization: ApiToken <Token>" or
	// "Authorization: Bearer <Token>". It never expires.
	Token string
	// Username is the demo user's name for POST /api2/v1/auth/login.
	Username string
	// Password is the demo user's password for POST /api2/v1/auth/login.
	Password string
	// ProjectUID is the uid of the default project (the first of WithProject, or
	// DefaultProjectUID).
	ProjectUID string
	// TargetLangs are the default project's target languages.
	TargetLangs []string

	f        *fake
	http     *http.Server
	listener net.Listener
	served   chan struct{} // closed when the Serve goroutine has returned
	conns    sync.WaitGroup
	client   *http.Client
	close    sync.Once
}

// NewServer starts a Server on a free port of 127.0.0.1 (or [::1] when IPv4 loopback is
// missing), configured by opts. Like httptest.NewServer, it panics when it cannot listen. Call
// Close when done.
func NewServer(opts ...Option) *Server {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if l, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			panic(fmt.Sprintf("phrasetest: failed to listen on a port: %v", err))
		}
	}
	return serve(l, opts)
}

// Start starts a Server listening on addr (e.g. "127.0.0.1:8080", "localhost:0", "[::1]:0"),
// configured by opts. It refuses a host that is not a loopback address or "localhost" (an empty
// host would listen on every interface): the fake accepts well-known credentials and must not
// be reachable from other machines. Call Close when done.
func Start(addr string, opts ...Option) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("phrasetest: address %q: %w", addr, err)
	}
	if !isLoopbackHost(host) {
		return nil, fmt.Errorf("phrasetest: refusing to listen on %q: only loopback hosts (127.0.0.1, ::1, localhost) are allowed", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("phrasetest: listen on %s: %w", addr, err)
	}
	if tcp, ok := l.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = l.Close()
		return nil, fmt.Errorf("phrasetest: %q resolved to %v, which is not a loopback address", addr, l.Addr())
	}
	return serve(l, opts), nil
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func serve(l net.Listener, opts []Option) *Server {
	f := newFake(opts)
	s := &Server{
		URL:         "http://" + l.Addr().String() + BasePath,
		Token:       f.cfg.token,
		Username:    f.cfg.username,
		Password:    f.cfg.password,
		TargetLangs: []string{},
		f:           f,
		listener:    l,
		served:      make(chan struct{}),
	}
	if len(f.cfg.projects) > 0 {
		s.ProjectUID = f.cfg.projects[0].uid
		s.TargetLangs = slices.Clone(f.cfg.projects[0].targetLangs)
	}
	s.http = &http.Server{
		Handler:           f.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, state http.ConnState) {
			switch state {
			case http.StateNew:
				s.conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				s.conns.Done()
			}
		},
	}
	s.client = &http.Client{Transport: &http.Transport{}} // no Proxy: straight to loopback
	go func() {
		defer close(s.served)
		if err := s.http.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			// Serve fails only when the listener does; Close will find it closed.
			_ = l.Close()
		}
	}()
	return s
}

// Close stops the Server: it stops listening, closes every connection, ends waits of
// WithLatency, and returns when every goroutine of the Server has finished. It closes the idle
// connections of [Server.Client]. Calling it more than once does nothing.
func (s *Server) Close() {
	s.close.Do(func() {
		s.f.shutdown()
		_ = s.http.Close()
		<-s.served
		s.conns.Wait()
		s.client.CloseIdleConnections()
	})
}

// Handler returns the fake's HTTP handler, which serves the API under /web, for mounting in
// another server (e.g. httptest.NewServer(srv.Handler())). It shares the Server's state.
func (s *Server) Handler() http.Handler { return s.f.handler }

// Client returns an HTTP client for the Server, without proxies; Close closes its idle
// connections, so tests that use it leave no connection goroutine behind.
func (s *Server) Client() *http.Client { return s.client }

// Addr returns the address the Server listens on, e.g. 127.0.0.1:41234.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// fake is the state and handlers of the fake; it implements apiserver.ServerInterface.
type fake struct {
	cfg     config
	handler http.Handler
	done    chan struct{} // closed by shutdown
	stop    sync.Once

	mu       sync.Mutex
	ids      *ids
	projects map[string]project
	tokens   map[string]*loginToken
	jobs     []api.JobPartReference
	asyncs   map[string]*asyncRequest
	log      []*Request

	unavailableLeft int
	rateLimitedLeft int
	lostLeft        int

	meta     []jobMeta      // beside jobs, list.go
	innerSeq map[string]int // the last innerId handed out, per project
	faults   faultState     // faults.go
}

var _ apiserver.ServerInterface = (*fake)(nil)

func newFake(opts []Option) *fake {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	f := &fake{
		cfg:             cfg,
		done:            make(chan struct{}),
		ids:             newIDs(&cfg),
		projects:        map[string]project{},
		tokens:          map[string]*loginToken{},
		asyncs:          map[string]*asyncRequest{},
		unavailableLeft: cfg.unavailable,
		rateLimitedLeft: cfg.rateLimited,
		lostLeft:        cfg.lostResponses,
		innerSeq:        map[string]int{},
	}
	f.faults = newFaultState(&cfg)
	for _, p := range cfg.projects {
		f.projects[p.uid] = p
	}
	f.handler = f.routes()
	return f
}

func (f *fake) shutdown() { f.stop.Do(func() { close(f.done) }) }
