// Package gotrack is a Go workshop participant who made a typical mistake, for the
// tests of the workshop's Go track (`workshop-worker --chapter N --mistake NAME`):
// each mistake is a small change of package workshop's correct code, registered
// under the starter names a participant registers. `workshop check --go N` must
// pass the correct worker and name each mistake.
package gotrack

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.uber.org/cadence"
	"go.uber.org/cadence/activity"
	"go.uber.org/cadence/workflow"
	"go.uber.org/zap"

	"postflow.local/cadence-dev/workshop"
)

// A mistake registers a broken package workflow under the starter names.
type mistake struct {
	chapter  workshop.Chapter
	register func(r workshop.Registry, unit time.Duration, estimate workshop.Estimator)
}

var mistakes = map[string]mistake{
	// The workflow registered under its Go function's name, not the workshop's.
	"wrong-names": {workshop.Activities, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		names := workshop.StarterNames
		names.Workflow = "PackageProcessingWorkflow"
		workshop.RegisterPackage(r, workshop.Activities, names, unit, est)
	}},
	// validatePayment fails twice, but the workflow gives it no retry policy.
	"no-retry-policy": {workshop.Retries, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Retries, est)
		r.RegisterWorkflowWithOptions(workshop.Workflow(workshop.Activities, workshop.StarterNames, unit),
			workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// DeliveredSignal sets the flag, but the loop never looks at it.
	"delivered-not-ending": {workshop.Delivered, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Delivered, est)
		r.RegisterWorkflowWithOptions(deliveredNotEnding, workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// Scans are read in a goroutine started with `go`, not workflow.Go: the SDK
	// panics there ("getState: illegal access from outside of workflow context"),
	// and the panic of a plain goroutine ends the whole worker.
	"scans-in-a-goroutine": {workshop.Delivered, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Delivered, est)
		r.RegisterWorkflowWithOptions(scansInAGoroutine, workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// The query handler is set once the payment went through: too late for a query
	// that comes while the payment is retried.
	"query-after-first-activity": {workshop.Query, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Query, est)
		r.RegisterWorkflowWithOptions(queryAfterFirstActivity, workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// A scan starts a new timer but leaves the old one running.
	"timer-not-canceled": {workshop.Notification, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Notification, est)
		r.RegisterWorkflowWithOptions(notification(unit, oldTimerKept), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// The timer's callback does not check for a CanceledError: the timer a scan
	// cancels counts as the notification, and the next scan starts no timer.
	"canceled-timer-notifies": {workshop.Notification, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Notification, est)
		r.RegisterWorkflowWithOptions(notification(unit, canceledNotifies), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// A scan adds its location but neither cancels the timer nor starts a new one.
	"scan-keeps-the-timer": {workshop.Notification, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Notification, est)
		r.RegisterWorkflowWithOptions(notification(unit, scanKeepsTimer), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// The DeliveredSignal case is added to the selector before the ScanSignal one: a
	// scan and the delivery waiting together end the workflow with the scan unread.
	"delivered-case-first": {workshop.Query, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Query, est)
		r.RegisterWorkflowWithOptions(tracked(workshop.CurrentStatusQuery, deliveredFirst), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// Chapter 5's loop reads its scans from "Scansignal": the scans are never read, and
	// the history is the same as when they are (reading a signal writes no event).
	"scan-channel-misnamed-in-loop": {workshop.Delivered, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Delivered, est)
		r.RegisterWorkflowWithOptions(tracked(workshop.CurrentStatusQuery, scanMisnamed), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// The same in chapter 6, whose current_status shows the locations never read.
	"scan-channel-misnamed-in-query": {workshop.Query, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Query, est)
		r.RegisterWorkflowWithOptions(tracked(workshop.CurrentStatusQuery, scanMisnamed), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// The query handler is registered as "currentStatus", not "current_status".
	"query-misnamed": {workshop.Query, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.Query, est)
		r.RegisterWorkflowWithOptions(tracked("currentStatus", scanFirst), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// The workflow listens on "scanSignal": the ScanSignal it is sent never reaches it.
	"scan-channel-misnamed": {workshop.ScanOnce, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.ScanOnce, est)
		r.RegisterWorkflowWithOptions(scanOnce("scanSignal", 0), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
	// shipProduct is left out of the registrations: the worker takes its task and
	// never answers ("unable to find activityType=shipProduct" in its log).
	"ship-product-not-registered": {workshop.Activities, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		names := workshop.StarterNames
		r.RegisterWorkflowWithOptions(workshop.Workflow(workshop.Activities, names, unit), workflow.RegisterOptions{Name: names.Workflow})
		r.RegisterActivityWithOptions(workshop.ValidatePayment(false), activity.RegisterOptions{Name: names.ValidatePayment})
		r.RegisterActivityWithOptions(workshop.EstimatedDeliveryTime(est), activity.RegisterOptions{Name: names.EstimatedDeliveryTime})
	}},
	// After the scan the workflow code sleeps with time.Sleep, blocking the decision
	// task past its timeout (Go's deadlock detector logs it; the server times it out).
	"sleep-in-workflow": {workshop.ScanOnce, func(r workshop.Registry, unit time.Duration, est workshop.Estimator) {
		activities(r, workshop.ScanOnce, est)
		r.RegisterWorkflowWithOptions(scanOnce(workshop.ScanSignalName, time.Minute), workflow.RegisterOptions{Name: workshop.StarterNames.Workflow})
	}},
}

// Mistakes lists the known mistakes, sorted.
func Mistakes() []string {
	var names []string
	for n := range mistakes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Register registers what a participant's worker at `chapter` serves, with `mistake`
// ("" for none) made.
func Register(r workshop.Registry, chapter workshop.Chapter, name string, unit time.Duration, estimate workshop.Estimator) error {
	if unit <= 0 {
		unit = time.Minute
	}
	if name == "" {
		workshop.RegisterPackage(r, chapter, workshop.StarterNames, unit, estimate)
		return nil
	}
	m, ok := mistakes[name]
	if !ok {
		return fmt.Errorf("unknown mistake %q; known: %s", name, strings.Join(Mistakes(), ", "))
	}
	if m.chapter != chapter {
		return fmt.Errorf("mistake %q belongs to chapter %d (%v), not %d", name, int(m.chapter), m.chapter, int(chapter))
	}
	m.register(r, unit, estimate)
	return nil
}

// activities registers the starter activities as RegisterPackage does, for a
// mistake to bring its own workflow.
func activities(r workshop.Registry, chapter workshop.Chapter, estimate workshop.Estimator) {
	names := workshop.StarterNames
	r.RegisterActivityWithOptions(workshop.ValidatePayment(chapter >= workshop.Retries), activity.RegisterOptions{Name: names.ValidatePayment})
	r.RegisterActivityWithOptions(workshop.ShipProduct, activity.RegisterOptions{Name: names.ShipProduct})
	r.RegisterActivityWithOptions(workshop.EstimatedDeliveryTime(estimate), activity.RegisterOptions{Name: names.EstimatedDeliveryTime})
}

func options(retries bool) workflow.ActivityOptions {
	o := workflow.ActivityOptions{ScheduleToStartTimeout: time.Minute, StartToCloseTimeout: time.Minute}
	if retries {
		o.RetryPolicy = &cadence.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second, MaximumAttempts: 3}
	}
	return o
}

func payAndShip(ctx workflow.Context, order workshop.Order) error {
	names := workshop.StarterNames
	var result string
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, options(true)), names.ValidatePayment, order).Get(ctx, &result); err != nil {
		return fmt.Errorf("validate payment for order: %v", err)
	}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, options(false)), names.ShipProduct, order).Get(ctx, &result); err != nil {
		return fmt.Errorf("ship product for order: %v", err)
	}
	return nil
}

func processed(order workshop.Order) string {
	return fmt.Sprintf("Order %s processed successfully for customer %s.", order.ID, order.Customer)
}

func deliveredNotEnding(ctx workflow.Context, order workshop.Order) (string, error) {
	if err := payAndShip(ctx, order); err != nil {
		return "", err
	}
	delivered := false
	s := workflow.NewSelector(ctx)
	s.AddReceive(workflow.GetSignalChannel(ctx, workshop.ScanSignalName), func(c workflow.Channel, more bool) {
		var scan workshop.ScanSignal
		c.Receive(ctx, &scan)
	})
	s.AddReceive(workflow.GetSignalChannel(ctx, workshop.DeliveredSignalName), func(c workflow.Channel, more bool) {
		c.Receive(ctx, nil)
		delivered = true
		workflow.GetLogger(ctx).Info("Package delivered", zap.Bool("delivered", delivered))
	})
	for {
		s.Select(ctx)
	}
}

func scansInAGoroutine(ctx workflow.Context, order workshop.Order) (string, error) {
	if err := payAndShip(ctx, order); err != nil {
		return "", err
	}
	locations := []string{order.SendFrom}
	go func() {
		for {
			var scan workshop.ScanSignal
			workflow.GetSignalChannel(ctx, workshop.ScanSignalName).Receive(ctx, &scan)
			locations = append(locations, scan.Location)
		}
	}()
	workflow.GetSignalChannel(ctx, workshop.DeliveredSignalName).Receive(ctx, nil)
	return processed(order), nil
}

func queryAfterFirstActivity(ctx workflow.Context, order workshop.Order) (string, error) {
	locations := []string{order.SendFrom}
	delivered := false
	var result string
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, options(true)), workshop.StarterNames.ValidatePayment, order).Get(ctx, &result); err != nil {
		return "", fmt.Errorf("validate payment for order: %v", err)
	}
	if err := workflow.SetQueryHandler(ctx, workshop.CurrentStatusQuery, func() (workshop.QueryResult, error) {
		return workshop.QueryResult{Delivered: delivered, LocationHistory: locations}, nil
	}); err != nil {
		return "", err
	}
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, options(false)), workshop.StarterNames.ShipProduct, order).Get(ctx, &result); err != nil {
		return "", fmt.Errorf("ship product for order: %v", err)
	}
	trackUntilDelivered(ctx, &locations, &delivered, scanFirst)
	return processed(order), nil
}

// The order in which trackUntilDelivered adds its selector's cases.
type caseOrder int

const (
	scanFirst caseOrder = iota
	deliveredFirst
	// As scanFirst, with the scan case on a channel named "Scansignal".
	scanMisnamed
)

// trackUntilDelivered adds each scan's location to locations until DeliveredSignal
// sets delivered (the query handlers read both). A selector takes the first ready
// case in the order they were added, so the order decides which of two waiting
// signals is read first.
func trackUntilDelivered(ctx workflow.Context, locations *[]string, delivered *bool, order caseOrder) {
	s := workflow.NewSelector(ctx)
	channel := workshop.ScanSignalName
	if order == scanMisnamed {
		channel = "Scansignal"
	}
	scan := func(s workflow.Selector) {
		s.AddReceive(workflow.GetSignalChannel(ctx, channel), func(c workflow.Channel, more bool) {
			var scan workshop.ScanSignal
			c.Receive(ctx, &scan)
			*locations = append(*locations, scan.Location)
		})
	}
	if order != deliveredFirst {
		scan(s)
	}
	s.AddReceive(workflow.GetSignalChannel(ctx, workshop.DeliveredSignalName), func(c workflow.Channel, more bool) {
		c.Receive(ctx, nil)
		*delivered = true
	})
	if order == deliveredFirst {
		scan(s)
	}
	for !*delivered {
		s.Select(ctx)
	}
}

// scanOnce is chapter 3's workflow reading its scan from `channel`, then sleeping
// `sleep` with the wall clock (0: not at all) before it returns.
func scanOnce(channel string, sleep time.Duration) func(workflow.Context, workshop.Order) (string, error) {
	return func(ctx workflow.Context, order workshop.Order) (string, error) {
		if err := payAndShip(ctx, order); err != nil {
			return "", err
		}
		var scan workshop.ScanSignal
		workflow.GetSignalChannel(ctx, channel).Receive(ctx, &scan)
		if sleep > 0 {
			time.Sleep(sleep) // The mistake: the decision task blocks; workflow.Sleep would not.
		}
		return processed(order), nil
	}
}

// tracked is chapter 6's workflow with its query handler registered as `name` and
// its selector's cases added in `cases` order.
func tracked(name string, cases caseOrder) func(workflow.Context, workshop.Order) (string, error) {
	return func(ctx workflow.Context, order workshop.Order) (string, error) {
		locations := []string{order.SendFrom}
		delivered := false
		if err := workflow.SetQueryHandler(ctx, name, func() (workshop.QueryResult, error) {
			return workshop.QueryResult{Delivered: delivered, LocationHistory: locations}, nil
		}); err != nil {
			return "", err
		}
		if err := payAndShip(ctx, order); err != nil {
			return "", err
		}
		trackUntilDelivered(ctx, &locations, &delivered, cases)
		return processed(order), nil
	}
}

// A flaw of chapter 7's timer handling.
type timerFlaw int

const (
	// A new scope every time, and the old timer's cancel is dropped.
	oldTimerKept timerFlaw = iota
	// The timer's callback takes a canceled timer for one that fired.
	canceledNotifies
	// A scan only adds its location: the first timer stays as it was.
	scanKeepsTimer
)

func notification(unit time.Duration, flaw timerFlaw) func(workflow.Context, workshop.Order) (string, error) {
	return func(ctx workflow.Context, order workshop.Order) (string, error) {
		locations := []string{order.SendFrom}
		delivered := false
		if err := workflow.SetQueryHandler(ctx, workshop.CurrentStatusQuery, func() (workshop.QueryResult, error) {
			return workshop.QueryResult{Delivered: delivered, LocationHistory: locations}, nil
		}); err != nil {
			return "", err
		}
		if err := payAndShip(ctx, order); err != nil {
			return "", err
		}
		s := workflow.NewSelector(ctx)
		notificationSent := false
		var timerCancel workflow.CancelFunc
		startTimer := func() error {
			if timerCancel != nil && flaw != oldTimerKept {
				timerCancel()
			}
			if notificationSent {
				return nil
			}
			var days int
			err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, options(false)), workshop.StarterNames.EstimatedDeliveryTime,
				order, locations[len(locations)-1]).Get(ctx, &days)
			if err != nil {
				return fmt.Errorf("estimated delivery time: %v", err)
			}
			var timerCtx workflow.Context
			timerCtx, timerCancel = workflow.WithCancel(ctx)
			s.AddFuture(workflow.NewTimer(timerCtx, time.Duration(days)*unit), func(f workflow.Future) {
				var canceled *cadence.CanceledError
				if err := f.Get(ctx, nil); errors.As(err, &canceled) && flaw != canceledNotifies {
					return
				}
				notificationSent = true
				workflow.GetLogger(ctx).Info("Notification sent")
			})
			return nil
		}
		if err := startTimer(); err != nil {
			return "", err
		}
		s.AddReceive(workflow.GetSignalChannel(ctx, workshop.ScanSignalName), func(c workflow.Channel, more bool) {
			var scan workshop.ScanSignal
			c.Receive(ctx, &scan)
			locations = append(locations, scan.Location)
			if flaw == scanKeepsTimer {
				return
			}
			if err := startTimer(); err != nil {
				workflow.GetLogger(ctx).Error("Error updating timeout")
			}
		})
		s.AddReceive(workflow.GetSignalChannel(ctx, workshop.DeliveredSignalName), func(c workflow.Channel, more bool) {
			c.Receive(ctx, nil)
			delivered = true
		})
		for !delivered {
			s.Select(ctx)
		}
		return processed(order), nil
	}
}
