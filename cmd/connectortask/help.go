package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// networkFlags are the global flags that matter only to commands that talk to Phrase.
var networkFlags = []string{"base-url", "region", "token-file", "timeout", "verbose"}

// hideInheritedFlags keeps the named global flags out of cmd's help: an offline command
// (validate, spec, version) has no use for an API root or a token, and listing them suggests it
// does. The flags still parse, so a script that passes them everywhere keeps working.
func hideInheritedFlags(cmd *cobra.Command, names ...string) {
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		var hidden []*pflag.Flag
		for _, n := range names {
			if f := c.InheritedFlags().Lookup(n); f != nil && !f.Hidden {
				f.Hidden = true
				hidden = append(hidden, f)
			}
		}
		defer func() {
			for _, f := range hidden {
				f.Hidden = false
			}
		}()
		c.Root().HelpFunc()(c, args)
	})
}
