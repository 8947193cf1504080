package main

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/debug"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// versionInfo is what `version` prints, all from the build info (never hand-kept strings).
type versionInfo struct {
	Module     string `json:"module"`
	Version    string `json:"version"`
	Commit     string `json:"commit"`
	CommitTime string `json:"commitTime,omitempty"`
	Modified   bool   `json:"modified"`
	GoVersion  string `json:"goVersion"`
}

func buildVersion() versionInfo {
	v := versionInfo{Module: "github.com/seed-a960d6a4/connectortask", Version: "unknown", Commit: "unknown", GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Path != "" {
		v.Module = bi.Main.Path
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	if bi.GoVersion != "" {
		v.GoVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.CommitTime = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func (a *app) newVersionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the module version, VCS commit and Go version (from the build info)",
		Long: `Print the module version, the VCS commit it was built from and the Go version, as recorded by the
Go toolchain in the binary's build info. A binary built inside a checkout reports version
"(devel)"; the commit is "unknown" when it was built without VCS stamping (-buildvcs=false).`,
		Example: `  connectortask version
  connectortask version | jq -r .commit`,
		Args: cobra.NoArgs,
	}
	cmd.RunE = a.runE(func(*cobra.Command, []string) error {
		v := buildVersion()
		if a.output != "table" {
			return writeJSON(a.stdout, v)
		}
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "module\t%s\nversion\t%s\ncommit\t%s\n", v.Module, v.Version, v.Commit)
		if v.CommitTime != "" {
			fmt.Fprintf(tw, "commit time\t%s\n", v.CommitTime)
		}
		fmt.Fprintf(tw, "modified\t%t\ngo\t%s\n", v.Modified, v.GoVersion)
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := a.stdout.Write(buf.Bytes())
		return err
	})
	hideInheritedFlags(cmd, networkFlags...)
	return cmd
}

// addVersionFlag gives the root a --version flag, as gh and kubectl have: one line on stdout,
// e.g. "connectortask version v1.2.0, commit 3f2a9c1e0b4d, go1.26.8".
func (a *app) addVersionFlag(root *cobra.Command) {
	v := buildVersion()
	commit := v.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if v.Modified {
		commit += " (modified)"
	}
	root.Version = fmt.Sprintf("%s, commit %s, %s", v.Version, commit, v.GoVersion)
	root.SetVersionTemplate("{{.Name}} version {{.Version}}\n")
	root.Flags().Bool("version", false, "print the version in one line and exit (the version command prints it all)")
}
