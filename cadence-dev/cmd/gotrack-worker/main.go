// Command gotrack-worker is a Go workshop participant's worker, for the tests of the
// workshop's Go track: it serves what the workshop's worker serves (HelloWorld, the
// starter package as chapter N has it, the complete package), optionally with one
// typical mistake in the starter package (package gotrack).
//
//	gotrack-worker --chapter 5 [--mistake delivered-not-ending] [--timer-unit 5s] [--address 127.0.0.1:7833]
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
	"go.uber.org/cadence/workflow"
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
	chapterName := flag.String("chapter", "activities", "how far the participant has come (1 to 7, or a chapter name)")
	mistake := flag.String("mistake", "", "a typical mistake to make: "+strings.Join(gotrack.Mistakes(), ", "))
	timerUnit := flag.Duration("timer-unit", 0, "how long a day of delivery estimate lasts (the workshop: 1m)")
	seed := flag.Int64("seed", 0, "seed of the delivery estimates (0: random)")
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
		Name:      "gotrack-worker",
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
	w.RegisterWorkflowWithOptions(workshop.HelloWorld, workflow.RegisterOptions{Name: workshop.HelloWorldWorkflow})
	if err := gotrack.Register(w, chapter, *mistake, *timerUnit, estimate); err != nil {
		fail(err)
	}
	workshop.RegisterPackage(w, workshop.Notification, workshop.CompleteNames, *timerUnit, estimate)
	if err := w.Start(); err != nil {
		fail(fmt.Errorf("start the worker: %w", err))
	}
	logger.Info("gotrack worker started", zap.Stringer("chapter", chapter), zap.String("mistake", *mistake))
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	w.Stop()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gotrack-worker:", err)
	os.Exit(1)
}
