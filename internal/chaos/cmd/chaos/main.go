// Command chaos is the long run of the crash harness (package internal/chaos): `make chaos`.
// It builds nothing itself: give it the built binary.
//
//	go build -o build/connectortask ./cmd/connectortask
//	go run ./internal/chaos/cmd/chaos -bin build/connectortask -kills 200 -budget 3m
//
// It prints the figures as a Markdown table (the one in RELIABILITY.md) and exits 1 when an
// invariant failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/seed-a960d6a4/connectortask/internal/chaos"
)

func main() {
	bin := flag.String("bin", "build/connectortask", "the built connectortask binary")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "seed of the random choices (kill timing is real time)")
	trials := flag.Int("trials", 400, "at most this many trials")
	kills := flag.Int("kills", 200, "stop once this many kills happened")
	budget := flag.Duration("budget", 3*time.Minute, "start no trial after this long")
	lines := flag.Int("lines", 60, "lines per trial (random between half and this)")
	verbose := flag.Bool("v", false, "log every anomaly as it happens")
	resumeArgs := flag.String("resume-args", "", "extra arguments of every resume run, space-separated (e.g. a reconcile option)")
	exitCodes := flag.String("exit-codes", "", "more exit codes a finished run may end with, comma-separated (besides 0 and 1)")
	faults := flag.String("faults", "", "fault rates per job-creating POST, e.g. 429=0.02,503=0.02,reset-before=0.02,lost=0.03,reset-after=0.02,latency=25ms (those are the defaults; a kind not named keeps its default)")
	which := flag.String("scenarios", "all", "which scenarios: all, default (issue 10's four), or reconcile (--resume --reconcile over lines it can settle)")
	flag.Parse()

	var scenarios []chaos.Scenario
	switch *which {
	case "all":
		scenarios = append(chaos.DefaultScenarios(), chaos.ReconcileScenario())
	case "default":
		scenarios = chaos.DefaultScenarios()
	case "reconcile":
		scenarios = []chaos.Scenario{chaos.ReconcileScenario()}
	default:
		fmt.Fprintln(os.Stderr, "chaos: -scenarios: want all, default or reconcile")
		os.Exit(2)
	}
	f := chaos.DefaultFaults()
	if *faults != "" {
		var err error
		if f, err = parseFaults(*faults); err != nil {
			fmt.Fprintln(os.Stderr, "chaos: -faults:", err)
			os.Exit(2)
		}
	}
	var codes []int
	for _, c := range strings.Split(*exitCodes, ",") {
		if c = strings.TrimSpace(c); c != "" {
			n, err := strconv.Atoi(c)
			if err != nil {
				fmt.Fprintln(os.Stderr, "chaos: -exit-codes:", err)
				os.Exit(2)
			}
			codes = append(codes, n)
		}
	}
	for i := range scenarios {
		scenarios[i].ResumeArgs = strings.Fields(*resumeArgs)
		scenarios[i].FinalExitCodes = codes
		if *faults != "" || scenarios[i].Faults == nil {
			scenarios[i].Faults = &f
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := chaos.Config{Bin: *bin, Seed: *seed, Trials: *trials, MinKills: *kills, Budget: *budget, Lines: *lines, Scenarios: scenarios}
	if *verbose {
		cfg.Log = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	}
	rep, err := chaos.Run(ctx, cfg)
	if rep != nil {
		fmt.Print(rep.Table())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
	if t := rep.Total(); t.Kills < *kills && *kills > 0 {
		fmt.Fprintf(os.Stderr, "chaos: only %d kills within the budget (wanted %d)\n", t.Kills, *kills)
	}
	if !rep.OK() {
		os.Exit(1)
	}
}

// parseFaults reads -faults: kind=rate pairs, and latency=DURATION.
func parseFaults(s string) (chaos.Faults, error) {
	f := chaos.DefaultFaults()
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return f, fmt.Errorf("%q: want kind=value", kv)
		}
		if k == "latency" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return f, err
			}
			f.MaxLatency = d
			continue
		}
		rate, err := strconv.ParseFloat(v, 64)
		if err != nil || rate < 0 || rate > 1 {
			return f, fmt.Errorf("%q: want a rate from 0 to 1", kv)
		}
		switch k {
		case "429":
			f.RateLimited = rate
		case "503":
			f.Unavailable = rate
		case "reset-before":
			f.ResetBefore = rate
		case "lost":
			f.Lost = rate
		case "reset-after":
			f.ResetAfter = rate
		default:
			return f, fmt.Errorf("%q: kinds are 429, 503, reset-before, lost, reset-after, latency", k)
		}
	}
	if sum := f.RateLimited + f.Unavailable + f.ResetBefore + f.Lost + f.ResetAfter; sum > 1 {
		return f, fmt.Errorf("the rates add up to %.2f, more than 1", sum)
	}
	return f, nil
}
