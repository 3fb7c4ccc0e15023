package workshop

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/cadence/worker"
	"go.uber.org/zap"
)

// historiesDir holds every built-in scenario's history as postflow exports it in
// the CLI's older JSON form (`scenario NAME --format cli-json`); scripts/ci.sh
// writes them there before it runs this package's tests.
func historiesDir(t *testing.T) string {
	dir := os.Getenv("POSTFLOW_CLI_HISTORIES")
	if dir == "" {
		t.Skip("POSTFLOW_CLI_HISTORIES is not set (scripts/ci.sh sets it to postflow's exported histories)")
	}
	return dir
}

func replayer() worker.WorkflowReplayer {
	r := worker.NewWorkflowReplayer()
	// The estimates are read from history on replay, so the estimator is never called.
	Register(r, Notification, time.Minute, func(Order, string) int { panic("replay ran an activity") })
	return r
}

// Every history postflow's simulator writes for a built-in scenario replays
// through the workshop's workflow in Go without a nondeterminism error: the Go
// client reads postflow's export, and both make the same decisions.
func TestPostflowHistoriesReplayInTheGoClient(t *testing.T) {
	dir := historiesDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no exported histories in %s (%v)", dir, err)
	}
	if want := os.Getenv("POSTFLOW_CLI_HISTORY_COUNT"); want != "" && want != itoa(len(files)) {
		t.Fatalf("%s has %d histories, scripts/ci.sh exported %s", dir, len(files), want)
	}
	logger := zap.NewNop()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			if err := replayer().ReplayWorkflowHistoryFromJSONFile(logger, f); err != nil {
				t.Fatalf("replaying %s: %v", f, err)
			}
		})
	}
}

// The replayer does check: the same history with another activity type in its
// first ActivityTaskScheduled is refused as nondeterministic.
func TestAChangedHistoryFailsTheGoReplay(t *testing.T) {
	dir := historiesDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "happy-path.json"))
	if err != nil {
		t.Fatal(err)
	}
	var events []map[string]any
	if err := json.Unmarshal(data, &events); err != nil {
		t.Fatal(err)
	}
	changed := false
	for _, e := range events {
		if a, ok := e["activityTaskScheduledEventAttributes"].(map[string]any); ok {
			a["activityType"] = map[string]any{"name": "chargeCardTwice"}
			changed = true
			break
		}
	}
	if !changed {
		t.Fatal("happy-path has no ActivityTaskScheduled")
	}
	out := filepath.Join(t.TempDir(), "changed.json")
	data, _ = json.Marshal(events)
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	err = replayer().ReplayWorkflowHistoryFromJSONFile(zap.NewNop(), out)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "nondeterministic") {
		t.Fatalf("a changed history replayed with error %v", err)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
