// Command workshop-worker is the workshop's Go worker, built from this project's
// Go version of the workflow (package workshop): it serves HelloWorld, the
// starter OrderProcessingWorkflow (as one chapter has it) and
// OrderProcessingWorkflowComplete on domain cadence-workshop, task list
// tasklist, over gRPC as the workshop's worker does. Tests use it as the Go side
// of comparisons with postflow's Rust worker.
//
//	workshop-worker [--address 127.0.0.1:7833] [--chapter notification] [--timer-unit 1m] [--seed 0] [--mistake NAME]
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	apiv1 "github.com/uber/cadence-idl/go/proto/api/v1"
	"go.uber.org/cadence/compatibility"
	"go.uber.org/cadence/worker"
	"go.uber.org/yarpc"
	"go.uber.org/yarpc/transport/grpc"
	"go.uber.org/zap"

	"postflow.local/cadence-dev/gotrack"
	"postflow.local/cadence-dev/workshop"
)

func main() {
	address := flag.String("address", "127.0.0.1:7833", "the Cadence frontend's gRPC address")
	domain := flag.String("domain", workshop.Domain, "domain")
	taskList := flag.String("tasklist", workshop.TaskList, "task list")
	chapterName := flag.String("chapter", "notification", "which chapter's code answers to the starter name OrderProcessingWorkflow")
	timerUnit := flag.Duration("timer-unit", 0, "how long a day of delivery estimate lasts (the workshop: 1m)")
	seed := flag.Int64("seed", 0, "seed of the delivery estimates (0: random)")
	mistake := flag.String("mistake", "", "a typical workshop mistake in the starter package, as a participant makes it "+
		"(the workshop's Go track tests): "+strings.Join(gotrack.Mistakes(), ", "))
	flag.Parse()

	chapter, err := workshop.ParseChapter(*chapterName)
	if err != nil {
		fail(err)
	}
	logger, err := zap.NewDevelopment()
	if err != nil {
		fail(err)
	}
	dispatcher := yarpc.NewDispatcher(yarpc.Config{
		Name:      "workshop-worker",
		Outbounds: yarpc.Outbounds{"cadence-frontend": {Unary: grpc.NewTransport().NewSingleOutbound(*address)}},
	})
	if err := dispatcher.Start(); err != nil {
		fail(fmt.Errorf("connect to %s: %w", *address, err))
	}
	defer dispatcher.Stop()
	cc := dispatcher.ClientConfig("cadence-frontend")
	service := compatibility.NewThrift2ProtoAdapter(
		apiv1.NewDomainAPIYARPCClient(cc),
		apiv1.NewWorkflowAPIYARPCClient(cc),
		apiv1.NewWorkerAPIYARPCClient(cc),
		apiv1.NewVisibilityAPIYARPCClient(cc),
	)

	src := rand.NewSource(*seed)
	if *seed == 0 {
		src = rand.NewSource(rand.Int63())
	}
	var mu sync.Mutex
	rng := rand.New(src)
	estimate := func(workshop.Order, string) int {
		mu.Lock()
		defer mu.Unlock()
		return rng.Intn(3) + 1
	}

	w := worker.New(service, *domain, *taskList, worker.Options{Logger: logger})
	if *mistake == "" {
		workshop.Register(w, chapter, *timerUnit, estimate)
	} else {
		// What workshop.Register serves, with the starter package as the participant has it.
		workshop.RegisterBeside(w, *timerUnit, estimate)
		if err := gotrack.Register(w, chapter, *mistake, *timerUnit, estimate); err != nil {
			fail(err)
		}
	}
	if err := w.Start(); err != nil {
		fail(fmt.Errorf("start the worker: %w", err))
	}
	logger.Info("workshop worker started", zap.String("domain", *domain), zap.String("tasklist", *taskList),
		zap.Stringer("starter chapter", chapter))
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	w.Stop()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "workshop-worker:", err)
	os.Exit(1)
}
