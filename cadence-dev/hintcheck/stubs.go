// Package hintcheck type-checks the Go track's hints against the Cadence Go client:
// scripts/ci.sh writes every chapter's Go hint into hints.go, one function each
// (`cargo run -p postflow-core --example go_hints`), and builds this package. What a
// hint takes from the participant's own workflow is declared here, under the
// workshop's names.
package hintcheck

import (
	"go.uber.org/cadence/worker"
	"go.uber.org/cadence/workflow"
)

// Order is the workshop's order, as validatePayment takes it.
type Order struct{ ID string }

// ScanSignal is the payload of the ScanSignal signal.
type ScanSignal struct{ Location string }

// QueryResult is what current_status answers.
type QueryResult struct {
	Delivered       bool
	LocationHistory []string
}

// The workflow's state, as the hints use it.
var (
	order            Order
	result           string
	locationHistory  []string
	delivered        bool
	notificationSent bool
	cancelTimer      func()
	selector         workflow.Selector
	days             int
)

func validatePayment(o Order) (string, error) { return "", nil }

// OrderProcessingWorkflow is the participant's workflow function, and w their worker,
// as the registration in a hint names them.
func OrderProcessingWorkflow(ctx workflow.Context, o Order) (string, error) { return "", nil }

var w worker.Worker
