package main

import (
	"github.com/spf13/cobra"

	connectortask "github.com/seed-a960d6a4/connectortask"
)

func (a *app) newSpecCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "Print the embedded openapi.yaml, byte for byte",
		Long: `Print the OpenAPI 3.0.3 description this client was generated from (openapi.yaml as committed,
byte for byte), e.g. to generate a client in another language. The -o flag does not apply.`,
		Example: `  connectortask spec > openapi.yaml
  connectortask spec | npx @redocly/cli lint -`,
		Args: cobra.NoArgs,
	}
	cmd.RunE = a.runE(func(*cobra.Command, []string) error {
		_, err := a.stdout.Write(connectortask.OpenAPISpec)
		return err
	})
	hideInheritedFlags(cmd, append(networkFlags, "output")...)
	return cmd
}
