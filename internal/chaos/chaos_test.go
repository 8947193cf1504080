package chaos

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestChaosShort is the short run of the crash harness that `make test` runs (about 20 s; the
// long one is `make chaos`): every invariant must hold over every scenario, --resume
// --reconcile's included (its trials share the same 15 s budget).
func TestChaosShort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs for about 20 s")
	}
	bin := filepath.Join(t.TempDir(), "connectortask")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/connectortask").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rep, err := Run(t.Context(), Config{Bin: bin, Dir: t.TempDir(), Seed: uint64(time.Now().UnixNano()), Trials: 40,
		Budget: 15 * time.Second, Lines: 30, Log: t.Logf, Scenarios: append(DefaultScenarios(), ReconcileScenario())})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep.Table())
	total := rep.Total()
	if !rep.OK() {
		t.Errorf("an invariant failed (seed %d):\n%s", rep.Seed, rep.Table())
	}
	if total.Trials < len(DefaultScenarios())+1 || total.Kills == 0 || total.Reconciled == 0 {
		t.Errorf("too little ran to prove anything: %d trials, %d kills", total.Trials, total.Kills)
	}
}
