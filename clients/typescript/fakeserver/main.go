// Command fakeserver runs the fake of Phrase TMS (wrapper/phrasetest) for the TypeScript
// client's check, `make ts-client`. It listens on a loopback address, prints one JSON line on
// stdout with the API root and the credentials:
//
//	{"url":"http://127.0.0.1:41234/web","username":"demo","password":"...","token":"...",
//	 "projectUid":"Pr2wE4rT6yU8iO0p","targetLangs":["de","fr"]}
//
// and serves until its standard input is closed (so it never outlives the script that started
// it) or it receives SIGTERM or SIGINT. It is test tooling, not part of the product: Go
// consumers run the same fake with `connectortask mock` or phrasetest.Start.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0: any free port)")
	unknown := flag.Bool("unknown-enums", false,
		"answer enum values and fields the spec does not list (phrasetest.WithUnknownEnumsAndFields)")
	flag.Parse()

	var opts []phrasetest.Option
	if *unknown {
		opts = append(opts, phrasetest.WithUnknownEnumsAndFields())
	}
	srv, err := phrasetest.Start(*addr, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
		os.Exit(1)
	}
	defer srv.Close()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	stdinClosed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()

	err = json.NewEncoder(os.Stdout).Encode(struct {
		URL         string   `json:"url"`
		Username    string   `json:"username"`
		Password    string   `json:"password"`
		Token       string   `json:"token"`
		ProjectUID  string   `json:"projectUid"`
		TargetLangs []string `json:"targetLangs"`
	}{srv.URL, srv.Username, srv.Password, srv.Token, srv.ProjectUID, srv.TargetLangs})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
		return
	}

	select {
	case <-signals:
	case <-stdinClosed:
	}
}
