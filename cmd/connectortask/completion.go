package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// completionShells are the shells cobra writes completion scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// fixCompletionCmd makes `completion SHELL` for a shell without a script (tcsh, say) a usage
// error (exit 2) instead of a help page and exit 0.
func (a *app) fixCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("completion %q: no completion script for this shell; want one of %s (e.g. connectortask completion bash)",
					args[0], strings.Join(completionShells, ", "))
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
}
