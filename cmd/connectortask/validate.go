package main

import (
	"bytes"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

const validateLong = `Validate a JobCreateRequestDto JSON body offline, against the embedded spec and the rules the
schema cannot say (due and workflowSettings not both, importSettings and
useProjectFileImportSettings not both, no repeated target language, each assignment's
targetLang among targetLangs, callbackUrl an absolute http(s) URL, due in the future). It
also refuses what can never be a Phrase language code (whitespace, slashes, characters other
than ASCII letters, digits, _ and -; Phrase decides whether it knows a plausible code) and a
key repeated in one object (JSON readers keep one of them silently). Nothing is sent and no
credentials are needed.

Output: the report goes to stdout, as {"valid": true|false, "problems": [{"path", "message",
"fix"}]} with -o json (the default) or as a table of path, problem and fix with -o table. When
the body is invalid, every problem is also written to stderr as "path: message (fix)", one per
line. Each path is a JSON pointer into the body, e.g. /targetLangs/1.

Exit code: 0 valid, 2 invalid (or the file cannot be read).`

const validateExample = `  # Check a body before sending it:
  connectortask validate body.json

  # From stdin, in a script:
  if generate-body | connectortask validate - >/dev/null; then echo valid; fi

  # A table of the problems:
  connectortask validate -o table body.json`

type validateReport struct {
	Valid    bool             `json:"valid"`
	Problems []wrapperProblem `json:"problems"`
}

type wrapperProblem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func (a *app) newValidateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "validate FILE|-",
		Short:   "Validate a JobCreateRequestDto JSON body offline (exit 0 valid, 2 invalid)",
		Long:    validateLong,
		Example: validateExample,
		Args:    cobra.ExactArgs(1),
	}
	cmd.RunE = a.runE(func(cmd *cobra.Command, args []string) error {
		a.offline = true
		raw, err := a.readInput(args[0], args[0])
		if err != nil {
			return err
		}
		verr := wrapper.ValidateRequestJSON(raw, a.now())
		var invalid *wrapper.ValidationError
		if verr != nil && !errors.As(verr, &invalid) {
			return verr
		}
		report := validateReport{Valid: verr == nil, Problems: []wrapperProblem{}}
		if invalid != nil {
			for _, p := range invalid.Problems {
				report.Problems = append(report.Problems, wrapperProblem{Path: p.Path, Message: p.Message, Fix: p.Fix})
			}
		}
		if err := a.printValidateReport(report); err != nil {
			return err
		}
		if report.Valid {
			return nil
		}
		// The problems, for a person reading stderr; the exit code is 2.
		return verr
	})
	hideInheritedFlags(cmd, networkFlags...)
	return cmd
}

func (a *app) printValidateReport(r validateReport) error {
	if a.output != "table" {
		return writeJSON(a.stdout, r)
	}
	var buf bytes.Buffer
	if r.Valid {
		buf.WriteString("valid\n")
	} else {
		tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PATH\tPROBLEM\tFIX")
		for _, p := range r.Problems {
			path := p.Path
			if path == "" {
				path = "/"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", cell(path), cell(p.Message), cell(p.Fix))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := a.stdout.Write(buf.Bytes())
	return err
}
