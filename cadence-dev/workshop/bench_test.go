package workshop

// The Go side of postflow's speed comparison (scripts/bench-vs-go.sh runs these
// and postflow's benches alternately and prints the ratios):
//
//   - BenchmarkLifecycle: one package's whole life in the Go client's test
//     environment, the reference a Cadence user has for running a workflow fast:
//     start, two payment retries, ship, the estimate, five scans (each cancels the
//     timer and asks for a new estimate), the notification, delivered. The same
//     lifecycle as postflow's `engine/lifecycle_5_scans`.
//   - BenchmarkReplay: the Go client's replayer on a long history that postflow's
//     simulator wrote (POSTFLOW_REPLAY_HISTORY, proto JSON as the HTTP API returns
//     it). The Go workflow accepting that history event for event is itself a
//     check of the simulator's fidelity.

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/gogo/protobuf/jsonpb"
	apiv1 "github.com/uber/cadence-idl/go/proto/api/v1"
	servermapperproto "github.com/uber/cadence/common/types/mapper/proto"
	servermapperthrift "github.com/uber/cadence/common/types/mapper/thrift"
	"go.uber.org/cadence/.gen/go/shared"
	"go.uber.org/cadence/testsuite"
	"go.uber.org/cadence/worker"
	"go.uber.org/zap"
)

var workshopOrder = Order{ID: "Order123", Customer: "Cadence", Amount: 20, Address: "Uber office", SendFrom: "Aarhus"}

// lifecycle runs one package through the test environment and fails the
// benchmark if it did not end as the workshop's happy path does.
func lifecycle(b *testing.B) {
	var s testsuite.WorkflowTestSuite
	// Logging goes nowhere, as postflow keeps its log lines in memory.
	s.SetLogger(zap.NewNop())
	env := s.NewTestWorkflowEnvironment()
	RegisterPackage(env, Notification, CompleteNames, time.Minute, func(Order, string) int { return 1 })
	// Payment takes 3 s (two retries), then the one-minute timer starts; each scan
	// restarts it, the last one at 30 s, so it fires at about 90 s.
	for i, place := range []string{"Delft", "Hamburg", "Lyon", "Odense", "Graz"} {
		place := place
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(ScanSignalName, ScanSignal{Location: place})
		}, time.Duration(10+5*i)*time.Second)
	}
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(DeliveredSignalName, nil) }, 2*time.Minute)
	env.ExecuteWorkflow(CompleteNames.Workflow, workshopOrder)
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		b.Fatalf("completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
}

func BenchmarkLifecycle(b *testing.B) {
	for i := 0; i < b.N; i++ {
		lifecycle(b)
	}
}

// protoHistory reads a history in the HTTP API's proto JSON and turns it into
// the Go client's thrift form (the replayer's input) through the server's own
// mappers, and thrift's wire form between the server's and the client's types.
func protoHistory(tb testing.TB, path string) *shared.History {
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var response apiv1.GetWorkflowExecutionHistoryResponse
	if err := (&jsonpb.Unmarshaler{AllowUnknownFields: true}).Unmarshal(bytes.NewReader(raw), &response); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	wire, err := servermapperthrift.FromHistory(servermapperproto.ToHistory(response.History)).ToWire()
	if err != nil {
		tb.Fatal(err)
	}
	var history shared.History
	if err := history.FromWire(wire); err != nil {
		tb.Fatal(err)
	}
	return &history
}

func BenchmarkReplay(b *testing.B) {
	path := os.Getenv("POSTFLOW_REPLAY_HISTORY")
	if path == "" {
		b.Skip("set POSTFLOW_REPLAY_HISTORY to a history written by postflow (scripts/bench-vs-go.sh does)")
	}
	history := protoHistory(b, path)
	replayer := worker.NewWorkflowReplayer()
	RegisterPackage(replayer, Notification, CompleteNames, time.Minute, func(Order, string) int { return 1 })
	logger := zap.NewNop()
	if err := replayer.ReplayWorkflowHistory(logger, history); err != nil {
		b.Fatalf("the Go workflow does not replay postflow's history: %v", err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := replayer.ReplayWorkflowHistory(logger, history); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(history.Events)), "ns/event")
}
