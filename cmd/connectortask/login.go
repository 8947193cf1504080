package main

import (
	"bytes"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/api"
)

const loginLong = `Log in with PHRASE_TMS_USERNAME and PHRASE_TMS_PASSWORD (POST /api2/v1/auth/login) and print
who logged in and when the token expires: {"user": {...}, "expires": "..."}.

The token itself is printed only with --show-token (as "token"); treat that output as a secret.
Other commands do not need this one: given a user name and password they log in themselves.`

const loginExample = `  # Check that the credentials work:
  PHRASE_TMS_USERNAME=jane.doe PHRASE_TMS_PASSWORD=... connectortask login

  # Get a token for later calls (valid 24 hours), without echoing it:
  connectortask login --show-token | jq -r .token > ~/.phrase-token && chmod 600 ~/.phrase-token
  connectortask --token-file ~/.phrase-token async get 900123`

type loginOutput struct {
	User    *api.UserReference `json:"user"`
	Expires *api.DateTime      `json:"expires"`
	Token   string             `json:"token,omitempty"`
}

func (a *app) newLoginCmd() *cobra.Command {
	var showToken bool
	cmd := &cobra.Command{
		Use:     "login",
		Short:   "Log in with the user name and password from the environment; print the user and expiry",
		Long:    loginLong,
		Example: loginExample,
		Args:    cobra.NoArgs,
	}
	cmd.RunE = a.runE(func(cmd *cobra.Command, _ []string) error {
		// --show-token asks for the one secret a login hands out: keep it printable.
		a.showLoginToken = showToken
		client, err := a.newClient(cmd, authPassword)
		if err != nil {
			return err
		}
		resp, err := client.Login(cmd.Context())
		if err != nil {
			return err
		}
		out := loginOutput{User: resp.User, Expires: resp.Expires}
		if showToken && resp.Token != nil {
			out.Token = *resp.Token
		}
		if a.output != "table" {
			return writeJSON(a.stdout, out)
		}
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
		user, role := "", ""
		if out.User != nil {
			user = str(out.User.UserName)
			if out.User.Role != nil {
				role = string(*out.User.Role)
			}
		}
		fmt.Fprintf(tw, "USER\tROLE\tEXPIRES")
		if out.Token != "" {
			fmt.Fprintf(tw, "\tTOKEN")
		}
		fmt.Fprintf(tw, "\n%s\t%s\t%s", cell(user), cell(role), cell(date(out.Expires)))
		if out.Token != "" {
			fmt.Fprintf(tw, "\t%s", out.Token)
		}
		fmt.Fprintln(tw)
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err = a.stdout.Write(buf.Bytes())
		return err
	})
	cmd.Flags().BoolVar(&showToken, "show-token", false, "also print the token (a secret)")
	return cmd
}
