// Package workshop is the Cadence workshop's package workflow written in Go, as
// this project's test reference on the Go side: the workshop's Go worker,
// chapter by chapter, decision for decision the same as postflow's Rust
// workflow (core/src/postal). Tests use it to replay postflow's histories in the
// Go client's replayer, to benchmark the Go test environment, and to check the
// Go track of the exercises against a real server.
//
// It is our own code, written from the workshop's instructions; the names it
// registers are the workshop's, so the workshop's `cadence` CLI commands drive it.
package workshop

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/cadence"
	"go.uber.org/cadence/activity"
	"go.uber.org/cadence/workflow"
	"go.uber.org/zap"
)

// The workshop's domain and task list, signals and query.
const (
	Domain                 = "cadence-workshop"
	TaskList               = "tasklist"
	ScanSignalName         = "ScanSignal"
	DeliveredSignalName    = "DeliveredSignal"
	CurrentStatusQuery     = "current_status"
	HelloWorldWorkflow     = "HelloWorld"
	HelloWorldActivityName = "HelloWorldActivity"
	defaultTimerUnitDays   = time.Minute
)

// Order is the workflow input; field names and order are the workshop's.
type Order struct {
	ID       string  `json:"id"`
	Customer string  `json:"customer"`
	Amount   float64 `json:"amount"`
	Address  string  `json:"address"`
	SendFrom string  `json:"sendFrom"`
}

// ScanSignal is the input of a ScanSignal: where the package was just scanned.
type ScanSignal struct {
	Location string `json:"location"`
}

// QueryResult answers current_status.
type QueryResult struct {
	Delivered       bool     `json:"delivered"`
	LocationHistory []string `json:"locationHistory"`
}

// Names are the registered names one worker uses for the package workflow.
type Names struct {
	Workflow, ValidatePayment, ShipProduct, EstimatedDeliveryTime string
}

// The starter package's names (what a participant builds) and the complete package's.
var (
	StarterNames  = Names{"OrderProcessingWorkflow", "validatePayment", "shipProduct", "estimatedDeliveryTime"}
	CompleteNames = Names{"OrderProcessingWorkflowComplete", "validatePaymentComplete", "shipProductComplete", "estimatedDeliveryTimeComplete"}
)

// Chapter is how far the workflow has come in the workshop (1 to 7).
type Chapter int

const (
	Activities Chapter = iota + 1
	Retries
	ScanOnce
	Loop
	Delivered
	Query
	Notification
)

var chapterNames = []string{"activities", "retries", "scan-once", "loop", "delivered", "query", "notification"}

func (c Chapter) String() string {
	if c < Activities || c > Notification {
		return fmt.Sprintf("chapter(%d)", int(c))
	}
	return chapterNames[c-1]
}

// ParseChapter reads a chapter by name ("loop") or number ("4").
func ParseChapter(s string) (Chapter, error) {
	for i, n := range chapterNames {
		if s == n || s == fmt.Sprint(i+1) {
			return Chapter(i + 1), nil
		}
	}
	return 0, fmt.Errorf("unknown chapter %q; chapters are %s (or 1 to 7)", s, strings.Join(chapterNames, ", "))
}

// Estimator gives the days until delivery from a location: the worker draws
// them at random, tests script them.
type Estimator func(order Order, location string) int

// Registry is what both a worker and a replayer register with.
type Registry interface {
	RegisterWorkflowWithOptions(w interface{}, options workflow.RegisterOptions)
	RegisterActivityWithOptions(a interface{}, options activity.RegisterOptions)
}

// Register registers what the workshop's worker serves: HelloWorld, the starter
// workflow as chapter `starter` has it, and the complete workflow.
func Register(r Registry, starter Chapter, timerUnit time.Duration, estimate Estimator) {
	RegisterBeside(r, timerUnit, estimate)
	RegisterPackage(r, starter, StarterNames, timerUnit, estimate)
}

// RegisterBeside registers what the workshop's worker serves beside the starter
// package: HelloWorld and the complete workflow.
func RegisterBeside(r Registry, timerUnit time.Duration, estimate Estimator) {
	r.RegisterWorkflowWithOptions(HelloWorld, workflow.RegisterOptions{Name: HelloWorldWorkflow})
	r.RegisterActivityWithOptions(HelloWorldActivity, activity.RegisterOptions{Name: HelloWorldActivityName})
	RegisterPackage(r, Notification, CompleteNames, timerUnit, estimate)
}

// RegisterPackage registers one chapter's package workflow and its activities under `names`.
func RegisterPackage(r Registry, chapter Chapter, names Names, timerUnit time.Duration, estimate Estimator) {
	if timerUnit <= 0 {
		timerUnit = defaultTimerUnitDays
	}
	r.RegisterWorkflowWithOptions(Workflow(chapter, names, timerUnit), workflow.RegisterOptions{Name: names.Workflow})
	r.RegisterActivityWithOptions(ValidatePayment(chapter >= Retries), activity.RegisterOptions{Name: names.ValidatePayment})
	r.RegisterActivityWithOptions(ShipProduct, activity.RegisterOptions{Name: names.ShipProduct})
	r.RegisterActivityWithOptions(EstimatedDeliveryTime(estimate), activity.RegisterOptions{Name: names.EstimatedDeliveryTime})
}

// HelloInput is the input of the workshop's first command.
type HelloInput struct {
	Message string `json:"message"`
}

// HelloWorld greets through an activity, as the workshop's first workflow does:
// the check that worker and server talk. Its result is the activity's greeting.
func HelloWorld(ctx workflow.Context, input HelloInput) (string, error) {
	workflow.GetLogger(ctx).Info("HelloWorldWorkflow started")
	var greeting string
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, activityOptions()), HelloWorldActivityName, input).Get(ctx, &greeting)
	return greeting, err
}

// HelloWorldActivity builds the greeting.
func HelloWorldActivity(ctx context.Context, input HelloInput) (string, error) {
	activity.GetLogger(ctx).Info("HelloWorldActivity started")
	return fmt.Sprintf("Hello, %s!", input.Message), nil
}

// ValidatePayment refuses amounts over 25; with transient failures (from the
// retries chapter on) it also fails on its first two attempts.
func ValidatePayment(transient bool) func(ctx context.Context, order Order) (string, error) {
	return func(ctx context.Context, order Order) (string, error) {
		if transient && activity.GetInfo(ctx).Attempt < 2 {
			activity.GetLogger(ctx).Info("Temporary failure in payment processing")
			return "", errors.New("temporary issue, please retry")
		}
		if order.Amount > 25 {
			return "", fmt.Errorf("payment validation failed for order: %v", order.ID)
		}
		activity.GetLogger(ctx).Info("Payment processed successfully")
		return "Payment successful", nil
	}
}

// ShipProduct refuses an order without a customer.
func ShipProduct(ctx context.Context, order Order) (string, error) {
	if order.Customer == "" {
		return "", errors.New("customer is required")
	}
	activity.GetLogger(ctx).Info("Shipping product", zap.String("orderID", order.ID))
	return "Product shipped successfully", nil
}

// EstimatedDeliveryTime asks the estimator for the days until delivery.
func EstimatedDeliveryTime(estimate Estimator) func(ctx context.Context, order Order, location string) (int, error) {
	return func(ctx context.Context, order Order, location string) (int, error) {
		return estimate(order, location), nil
	}
}

func activityOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{ScheduleToStartTimeout: time.Minute, StartToCloseTimeout: time.Minute}
}

func paymentOptions() workflow.ActivityOptions {
	o := activityOptions()
	o.RetryPolicy = &cadence.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2.0,
		MaximumInterval:    10 * time.Second,
		MaximumAttempts:    3,
	}
	return o
}

func processed(order Order) string {
	return fmt.Sprintf("Order %s processed successfully for customer %s.", order.ID, order.Customer)
}

// Workflow is the package workflow as chapter `chapter` leaves it.
func Workflow(chapter Chapter, names Names, timerUnit time.Duration) func(workflow.Context, Order) (string, error) {
	if chapter == Notification {
		return func(ctx workflow.Context, order Order) (string, error) {
			return orderProcessing(ctx, order, names, timerUnit)
		}
	}
	return func(ctx workflow.Context, order Order) (string, error) {
		return tracking(ctx, order, names, chapter)
	}
}

func validateAndShip(ctx workflow.Context, order Order, names Names, retries bool) error {
	payment := activityOptions()
	if retries {
		payment = paymentOptions()
	}
	var result string
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, payment), names.ValidatePayment, order).Get(ctx, &result); err != nil {
		return fmt.Errorf("validate payment for order: %v", err)
	}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, activityOptions()), names.ShipProduct, order).Get(ctx, &result); err != nil {
		return fmt.Errorf("ship product for order: %v", err)
	}
	return nil
}

// tracking is chapters 1 to 6: each adds one step of the workshop to the last.
func tracking(ctx workflow.Context, order Order, names Names, chapter Chapter) (string, error) {
	locations := []string{order.SendFrom}
	delivered := false
	if chapter >= Query {
		err := workflow.SetQueryHandler(ctx, CurrentStatusQuery, func() (QueryResult, error) {
			return QueryResult{Delivered: delivered, LocationHistory: locations}, nil
		})
		if err != nil {
			return "", fmt.Errorf("set query handler: %v", err)
		}
	}
	if err := validateAndShip(ctx, order, names, chapter >= Retries); err != nil {
		return "", err
	}
	if chapter < ScanOnce {
		return processed(order), nil
	}
	s := workflow.NewSelector(ctx)
	s.AddReceive(workflow.GetSignalChannel(ctx, ScanSignalName), func(c workflow.Channel, more bool) {
		var scan ScanSignal
		c.Receive(ctx, &scan)
		workflow.GetLogger(ctx).Info("Received signal!", zap.String("signal", ScanSignalName), zap.Any("value", scan))
		locations = append(locations, scan.Location)
	})
	if chapter >= Delivered {
		s.AddReceive(workflow.GetSignalChannel(ctx, DeliveredSignalName), func(c workflow.Channel, more bool) {
			c.Receive(ctx, nil)
			delivered = true
		})
	}
	for {
		s.Select(ctx)
		if chapter == ScanOnce || delivered {
			return processed(order), nil
		}
	}
}

// orderProcessing is the workflow as the workshop ends (chapter 7).
func orderProcessing(ctx workflow.Context, order Order, names Names, timerUnit time.Duration) (string, error) {
	locations := []string{order.SendFrom}
	delivered := false
	err := workflow.SetQueryHandler(ctx, CurrentStatusQuery, func() (QueryResult, error) {
		return QueryResult{Delivered: delivered, LocationHistory: locations}, nil
	})
	if err != nil {
		return "", fmt.Errorf("set query handler: %v", err)
	}
	logger := workflow.GetLogger(ctx)
	if err := validateAndShip(ctx, order, names, true); err != nil {
		return "", err
	}

	scanChan := workflow.GetSignalChannel(ctx, ScanSignalName)
	s := workflow.NewSelector(ctx)
	notificationSent := false
	// The first timer is added to the selector before the two receive cases, as in
	// the workshop: case order is [timer, ScanSignal, DeliveredSignal, later timers].
	timerCancel, err := updateTimeout(ctx, s, nil, &notificationSent, order, locations, names, timerUnit)
	if err != nil {
		return "", fmt.Errorf("update timeout: %v", err)
	}
	s.AddReceive(scanChan, func(c workflow.Channel, more bool) {
		var scan ScanSignal
		c.Receive(ctx, &scan)
		logger.Info("Received signal!", zap.String("signal", ScanSignalName), zap.Any("value", scan))
		locations = append(locations, scan.Location)
		timerCancel, err = updateTimeout(ctx, s, timerCancel, &notificationSent, order, locations, names, timerUnit)
		if err != nil {
			logger.Error("Error updating timeout", zap.Error(err))
		}
	})
	s.AddReceive(workflow.GetSignalChannel(ctx, DeliveredSignalName), func(c workflow.Channel, more bool) {
		c.Receive(ctx, nil)
		delivered = true
	})
	for !delivered {
		s.Select(ctx)
	}
	return processed(order), nil
}

// updateTimeout cancels the previous notification timer and, unless the
// notification went out already, starts a new one from a fresh estimate.
func updateTimeout(ctx workflow.Context, s workflow.Selector, timerCancel workflow.CancelFunc, notificationSent *bool,
	order Order, locations []string, names Names, timerUnit time.Duration) (workflow.CancelFunc, error) {
	if timerCancel != nil {
		timerCancel()
	}
	if *notificationSent {
		return nil, nil
	}
	var days int
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, activityOptions()), names.EstimatedDeliveryTime,
		order, locations[len(locations)-1]).Get(ctx, &days)
	if err != nil {
		return nil, fmt.Errorf("estimated delivery time: %v", err)
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	timer := workflow.NewTimer(timerCtx, time.Duration(days)*timerUnit)
	s.AddFuture(timer, func(f workflow.Future) {
		// A canceled timer's future is ready at once; that is not a notification.
		var canceled *cadence.CanceledError
		if err := f.Get(ctx, nil); errors.As(err, &canceled) {
			return
		}
		*notificationSent = true
		workflow.GetLogger(ctx).Info("Notification sent")
	})
	return cancel, nil
}
