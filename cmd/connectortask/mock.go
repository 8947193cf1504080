package main

import (
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

const mockLong = `Serve the embedded fake of Phrase TMS (package wrapper/phrasetest) until interrupted (Ctrl-C or
SIGTERM). It answers the three calls of the spec (login, connectorTask, async) like Phrase
does, with one demo project, and listens on loopback only: it accepts well-known demo
credentials, so it must not be reachable from other machines.

Its root URL and demo credentials are printed on stderr. They belong to the fake, not to any
Phrase account.`

const mockExample = `  # In one terminal:
  connectortask mock

  # In another, with the URL and token it printed:
  export PHRASE_TMS_URL=http://127.0.0.1:8080/web PHRASE_TMS_TOKEN=phrasetest-static-token
  connectortask create --project-uid Pr2wE4rT6yU8iO0p --target-lang de,fr --wait

  # On another port:
  connectortask mock --addr 127.0.0.1:9090`

func (a *app) newMockCmd() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:     "mock [--addr 127.0.0.1:8080]",
		Short:   "Serve a fake Phrase TMS on loopback, for trying the CLI and testing clients",
		Long:    mockLong,
		Example: mockExample,
		Args:    cobra.NoArgs,
	}
	cmd.RunE = a.runE(func(cmd *cobra.Command, _ []string) error {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return usagef("--addr %q: want host:port, e.g. 127.0.0.1:8080", addr)
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return usagef("--addr %q: the fake listens on loopback only (127.0.0.1, ::1 or localhost)", addr)
		}
		srv, err := phrasetest.Start(addr, a.fakeOpts...)
		if err != nil {
			return err
		}
		defer srv.Close()

		w := a.stderr
		fmt.Fprintf(w, "connectortask mock: a fake Phrase TMS is serving at %s (Ctrl-C to stop)\n", srv.URL)
		fmt.Fprintf(w, "  demo credentials of the fake (not a real account):\n")
		fmt.Fprintf(w, "    export %s=%s\n", envURL, srv.URL)
		fmt.Fprintf(w, "    export %s=%s\n", envToken, srv.Token)
		fmt.Fprintf(w, "    # or: export %s=%s %s=%s\n", envUsername, srv.Username, envPassword, srv.Password)
		fmt.Fprintf(w, "  project %s, target languages %s\n", srv.ProjectUID, strings.Join(srv.TargetLangs, ", "))
		fmt.Fprintf(w, "  try: connectortask create --project-uid %s --target-lang %s --wait\n", srv.ProjectUID, strings.Join(firstN(srv.TargetLangs, 2), ","))

		<-cmd.Context().Done()
		fmt.Fprintln(w, "connectortask mock: stopped")
		return nil
	})
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "loopback host:port to listen on (port 0 picks a free one)")
	return cmd
}

func firstN(s []string, n int) []string {
	if len(s) < n {
		return s
	}
	return s[:n]
}
