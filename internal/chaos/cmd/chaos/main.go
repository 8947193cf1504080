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
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := chaos.Config{Bin: *bin, Seed: *seed, Trials: *trials, MinKills: *kills, Budget: *budget, Lines: *lines}
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
