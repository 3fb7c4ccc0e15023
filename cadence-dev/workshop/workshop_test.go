package workshop

import (
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
