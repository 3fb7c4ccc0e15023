package workshop

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/cadence/testsuite"
)

// A package's whole life in the Go client's test environment: two payment
// retries, shipping, a scan that resets the timer, the notification, delivery.
func TestAPackagesWholeLifeInTheGoTestEnvironment(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	days := []int{3, 2}
	RegisterPackage(env, Notification, CompleteNames, time.Minute, func(Order, string) int {
		d := days[0]
		days = days[1:]
		return d
	})
	var statusAfterScan QueryResult
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(ScanSignalName, ScanSignal{Location: "Delft"})
	}, time.Minute)
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(CurrentStatusQuery)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Get(&statusAfterScan); err != nil {
			t.Fatal(err)
		}
		env.SignalWorkflow(DeliveredSignalName, nil)
	}, 10*time.Minute)
	env.ExecuteWorkflow(CompleteNames.Workflow, Order{ID: "Order123", Customer: "Cadence", Amount: 20, Address: "Uber office", SendFrom: "Aarhus"})

	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	var result string
	if err := env.GetWorkflowResult(&result); err != nil {
		t.Fatal(err)
	}
	if result != "Order Order123 processed successfully for customer Cadence." {
		t.Fatalf("result %q", result)
	}
	if got := strings.Join(statusAfterScan.LocationHistory, ","); got != "Aarhus,Delft" || statusAfterScan.Delivered {
		t.Fatalf("current_status after the scan: %+v", statusAfterScan)
	}
}

func TestAnAmountOverTwentyFiveFailsTheWorkflowAfterItsRetries(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	RegisterPackage(env, Notification, CompleteNames, time.Minute, func(Order, string) int { return 1 })
	env.ExecuteWorkflow(CompleteNames.Workflow, Order{ID: "Order123", Customer: "Cadence", Amount: 30, SendFrom: "Aarhus"})
	err := env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), "validate payment for order: payment validation failed for order: Order123") {
		t.Fatalf("error %v", err)
	}
}

func TestChaptersAreFoundByNameOrNumber(t *testing.T) {
	for in, want := range map[string]Chapter{"loop": Loop, "7": Notification, "scan-once": ScanOnce} {
		if c, err := ParseChapter(in); err != nil || c != want {
			t.Fatalf("%s: %v %v", in, c, err)
		}
	}
	if _, err := ParseChapter("8"); err == nil || !strings.Contains(err.Error(), "chapters are") {
		t.Fatalf("err %v", err)
	}
}

// What the Go client makes of a signal's raw bytes (postflow's channel and selector
// tests, core/src/sdk/, check the same cases): a scan with no input cannot be decoded
// and is dropped, and the scan case's Receive then waits for the next scan, so the
// delivered signal meanwhile is not looked at; a `null` scan is a scan with no
// location; the delivered signal's value, received into nil, is never read, so bytes
// that are not JSON end the workflow as well as any.
func TestASignalsRawBytesAsTheGoClientDecodesThem(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	RegisterPackage(env, Notification, CompleteNames, time.Minute, func(Order, string) int { return 3 })
	status := func() QueryResult {
		v, err := env.QueryWorkflow(CurrentStatusQuery)
		if err != nil {
			t.Fatal(err)
		}
		var r QueryResult
		if err := v.Get(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	var waiting QueryResult
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(ScanSignalName, []byte{}) }, time.Minute)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(DeliveredSignalName, []byte("not JSON at all")) }, 2*time.Minute)
	env.RegisterDelayedCallback(func() {
		waiting = status()
		env.SignalWorkflow(ScanSignalName, []byte("null"))
	}, 3*time.Minute)
	env.ExecuteWorkflow(CompleteNames.Workflow, Order{ID: "Order123", Customer: "Cadence", Amount: 20, Address: "Uber office", SendFrom: "Aarhus"})

	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	if got := fmt.Sprintf("%q %v", waiting.LocationHistory, waiting.Delivered); got != `["Aarhus"] false` {
		t.Fatalf("after an empty scan and a delivery: %s", got)
	}
	if got := fmt.Sprintf("%q", status().LocationHistory); got != `["Aarhus" ""]` {
		t.Fatalf("after the null scan: %s", got)
	}
}
