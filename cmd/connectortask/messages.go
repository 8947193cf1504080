package main

import (
	"errors"
	"strings"
	"syscall"
)

// The wrapper speaks Go: its errors start with "wrapper:" and name options such as
// WithCredentials. The CLI's user sets flags and environment variables, so the CLI rewords
// those errors here (the wrapper's own messages stay right for Go callers).

// cliError is an error reworded for the CLI; it unwraps to the original for errors.As.
type cliError struct {
	msg string
	err error
}

func (e *cliError) Error() string { return e.msg }
func (e *cliError) Unwrap() error { return e.err }

// speakCLI rewords err, or returns it unchanged when there is nothing to reword.
func (a *app) speakCLI(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if out := a.cliWords(msg); out != msg {
		return &cliError{msg: out, err: err}
	}
	return err
}

// cliWords replaces the wrapper's Go names with the flags and variables that set them.
func (a *app) cliWords(msg string) string {
	root := a.rootSource
	if root == "" {
		root = "the API root"
	}
	token := a.tokenSource
	if token == "" {
		token = envToken
	}
	creds := envToken + ", or " + envUsername + " and " + envPassword + ", or --token-file FILE"
	return strings.NewReplacer(
		"wrapper: base URL carries user information; pass credentials with WithCredentials or WithAPIToken instead",
		root+" carries a user name or password: remove it from the URL and set "+creds,
		"wrapper: base URL", root,
		"wrapper: WithAPIToken: token", token+": the token",
		"wrapper: WithAPIToken: empty token", token+" is empty",
		"wrapper: WithCredentials: empty user name", envUsername+" is empty",
		"wrapper: WithCredentials: empty password", envPassword+" is empty",
		"(use WithCredentials)", "(set "+envUsername+" and "+envPassword+")",
		"use only one of WithAPIToken, WithCredentials and WithBearerToken", "set only one of "+creds,
		"WithCredentials or WithAPIToken", creds,
		"report this as a bug, or build the client WithoutValidation", "report this as a bug",
		"wrapper: ", "",
	).Replace(msg)
}

// addrInUse says whether err is a listen on a port that another process holds.
func addrInUse(err error) bool { return errors.Is(err, syscall.EADDRINUSE) }
