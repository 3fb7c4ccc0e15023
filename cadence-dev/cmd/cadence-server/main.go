// Command cadence-server runs the Cadence server services (frontend, history,
// matching, worker) of the release pinned in ../../go.mod in one process.
//
// Why this file exists: upstream's server main lives in the separate Go module
// github.com/uber/cadence/cmd/server, and the Go module proxy serves no
// release of it (cmd/server@v1.4.1, @v1.4.0, @v1.3.5: 404 Not Found; the other
// versions tried, pseudo-versions included: 403 "not available").
// The service packages themselves are in the main module
// github.com/uber/cadence, so this launcher wires them. It covers only what a
// local dev server needs: SQL (SQLite) persistence, a file based dynamic
// config, ringpop on 127.0.0.1 and no advanced visibility (no
// Elasticsearch/Pinot/Kafka) and no shard distributor.
//
// Usage (same flags and config layout as upstream's cadence-server):
//
//	cadence-server --root DIR --config config --env development --zone sqlite start
package main

import (
	"flag"
	"fmt"
	stdlog "log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	apiv1 "github.com/uber/cadence-idl/go/proto/api/v1"
	"go.uber.org/cadence/.gen/go/cadence/workflowserviceclient"
	"go.uber.org/cadence/compatibility"
	"go.uber.org/zap"

	"github.com/uber/cadence/common"
	"github.com/uber/cadence/common/archiver"
	"github.com/uber/cadence/common/archiver/provider"
	"github.com/uber/cadence/common/asyncworkflow/queue"
	"github.com/uber/cadence/common/blobstore/filestore"
	"github.com/uber/cadence/common/clock"
	"github.com/uber/cadence/common/cluster"
	"github.com/uber/cadence/common/config"
	"github.com/uber/cadence/common/dynamicconfig"
	"github.com/uber/cadence/common/dynamicconfig/configstore"
	"github.com/uber/cadence/common/dynamicconfig/dynamicproperties"
	"github.com/uber/cadence/common/log"
	"github.com/uber/cadence/common/log/tag"
	"github.com/uber/cadence/common/membership"
	"github.com/uber/cadence/common/metrics"
	"github.com/uber/cadence/common/peerprovider/ringpopprovider"
	"github.com/uber/cadence/common/resource"
	"github.com/uber/cadence/common/rpc"
	"github.com/uber/cadence/common/service"
	"github.com/uber/cadence/service/frontend"
	"github.com/uber/cadence/service/history"
	"github.com/uber/cadence/service/matching"
	"github.com/uber/cadence/service/worker"
	"github.com/uber/cadence/service/worker/diagnostics/invariant"
	"github.com/uber/cadence/service/worker/diagnostics/invariant/failure"
	"github.com/uber/cadence/service/worker/diagnostics/invariant/retry"
	"github.com/uber/cadence/service/worker/diagnostics/invariant/timeout"
	"github.com/uber/cadence/tools/sql"
)

func main() {
	root := flag.String("root", ".", "root directory; a relative --config and the dynamic config file are resolved against it")
	configDir := flag.String("config", "config", "config directory, relative to --root or absolute")
	env := flag.String("env", "development", "environment: loads base.yaml, <env>.yaml, <env>_<zone>.yaml")
	zone := flag.String("zone", "", "zone (see --env)")
	services := flag.String("services", strings.Join(service.ShortNames(service.List), ","), "services to run")
	stopTimeout := flag.Duration("stop-timeout", 5*time.Second, "on SIGTERM/SIGINT, exit after this even if services still drain")
	flag.Parse()
	if args := flag.Args(); len(args) > 1 || (len(args) == 1 && args[0] != "start") {
		stdlog.Fatalf("usage: cadence-server [flags] [start]; got %q", args)
	}

	dir := *configDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(*root, dir)
	}
	var cfg config.Config
	if err := config.Load(*env, dir, *zone, &cfg); err != nil {
		stdlog.Fatalf("load config: %v", err)
	}
	if err := cfg.ValidateAndFillDefaults(); err != nil {
		stdlog.Fatalf("config: %v", err)
	}
	// Upstream resolves the dynamic config file against --root as well.
	if p := cfg.DynamicConfig.FileBased.Filepath; p != "" && !filepath.IsAbs(p) {
		cfg.DynamicConfig.FileBased.Filepath = filepath.Join(*root, p)
	}
	if p := cfg.DynamicConfigClient.Filepath; p != "" && !filepath.IsAbs(p) {
		cfg.DynamicConfigClient.Filepath = filepath.Join(*root, p)
	}

	zapLogger, err := cfg.Log.NewZapLogger()
	if err != nil {
		stdlog.Fatalf("logger: %v", err)
	}
	logger := log.NewLogger(zapLogger)

	// Same start-up check as upstream: refuse to run on a missing/old schema,
	// with a clear message instead of failures on the first request.
	if err := sql.VerifyCompatibleVersion(cfg.Persistence); err != nil {
		stdlog.Fatalf("sql schema version compatibility check failed: %v", err)
	}

	stopped := make(chan struct{})
	var dc dynamicconfig.Client
	if cfg.DynamicConfig.Client == dynamicconfig.FileBasedClient {
		dc, err = dynamicconfig.NewFileBasedClient(&cfg.DynamicConfig.FileBased, logger, stopped)
	} else {
		dc, err = dynamicconfig.NewFileBasedClient(&cfg.DynamicConfigClient, logger, stopped)
	}
	if err != nil {
		stdlog.Fatalf("dynamic config: %v", err)
	}

	var daemons []common.Daemon
	var names []string
	var running sync.WaitGroup
	for _, s := range strings.Split(*services, ",") {
		d, err := newService(strings.TrimSpace(s), &cfg, logger, zapLogger, dc)
		if err != nil {
			stdlog.Fatalf("service %s: %v", s, err)
		}
		daemons = append(daemons, d)
		names = append(names, s)
		running.Add(1)
		// Start blocks until Stop, as in upstream.
		go func() { defer running.Done(); d.Start() }()
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	logger.Info("shutting down")
	var stopping sync.WaitGroup
	for i, d := range daemons {
		stopping.Add(1)
		go func() {
			defer stopping.Done()
			t := time.Now()
			d.Stop()
			logger.Info(fmt.Sprintf("stopped %s in %v", names[i], time.Since(t)))
		}()
	}
	done := make(chan struct{})
	go func() { stopping.Wait(); running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(*stopTimeout):
		// The frontend's dispatcher waits for in-flight long polls (up to a
		// minute) before it returns. All state is in SQLite, whose commits are
		// atomic, so a dev server can just exit.
		logger.Warn(fmt.Sprintf("services did not stop within %v; exiting anyway", *stopTimeout))
	}
	close(stopped)
}

// newService builds one service the way upstream's server does for a
// SQL-only deployment.
func newService(short string, cfg *config.Config, rootLogger log.Logger, zapLogger *zap.Logger, dcClient dynamicconfig.Client) (common.Daemon, error) {
	name := service.FullName(short)
	svcCfg, err := cfg.GetServiceConfig(short)
	if err != nil {
		return nil, err
	}
	logger := rootLogger.WithTags(tag.Service(name))
	cgm := cfg.ClusterGroupMetadata
	dc := dynamicconfig.NewCollection(dcClient, logger, dynamicproperties.ClusterNameFilter(cgm.CurrentClusterName))

	scope := svcCfg.Metrics.NewScope(logger, name)
	metricsClient := metrics.NewClient(scope, service.GetMetricsServiceIdx(name, logger), metrics.MigrationConfig{
		Histogram: cfg.Histograms, Gauge: cfg.Gauges, Counter: cfg.Counters,
	})

	rpcParams, err := rpc.NewParams(name, cfg, dc, logger, metricsClient)
	if err != nil {
		return nil, fmt.Errorf("rpc params: %w", err)
	}
	// Outbounds named after each cluster (the domain handler and the client
	// bean look them up even in a single-cluster setup).
	rpcParams.OutboundsBuilder = rpc.CombineOutbounds(
		rpcParams.OutboundsBuilder,
		rpc.NewCrossDCOutbounds(cgm.ClusterGroup, rpc.NewDNSPeerChooserFactory(cfg.PublicClient.RefreshInterval, logger)),
	)
	rpcFactory := rpc.NewFactory(logger, rpcParams)

	peers, err := ringpopprovider.New(name, &cfg.Ringpop, rpcFactory.GetTChannel(), membership.PortMap{
		membership.PortGRPC:     svcCfg.RPC.GRPCPort,
		membership.PortTchannel: svcCfg.RPC.Port,
	}, logger)
	if err != nil {
		return nil, fmt.Errorf("ringpop: %w", err)
	}
	timeSource := clock.NewRealTimeSource()
	rings := map[string]membership.SingleProvider{}
	for _, s := range service.ListWithRing {
		rings[s] = membership.NewHashring(s, peers, timeSource, logger, metricsClient.Scope(metrics.HashringScope))
	}
	resolver, err := membership.NewResolver(peers, metricsClient, logger, rings)
	if err != nil {
		return nil, fmt.Errorf("membership: %w", err)
	}

	hostName, _ := os.Hostname()
	params := resource.Params{
		Name:                     name,
		InstanceID:               hostName,
		Logger:                   logger,
		ZapLogger:                zapLogger,
		ThrottledLogger:          logger,
		HostName:                 hostName,
		MetricScope:              scope,
		MetricsClient:            metricsClient,
		RPCFactory:               rpcFactory,
		RPCConfig:                svcCfg.RPC,
		MembershipResolver:       resolver,
		HashRings:                rings,
		PProfInitializer:         svcCfg.PProf.NewInitializer(logger),
		PersistenceConfig:        cfg.Persistence,
		DynamicConfig:            dcClient,
		ClusterRedirectionPolicy: cgm.ClusterRedirectionPolicy,
		ClusterMetadata: cluster.NewMetadata(*cgm,
			dc.GetBoolPropertyFilteredByDomain(dynamicproperties.UseNewInitialFailoverVersion),
			metricsClient, logger),
		ArchivalMetadata: archiver.NewArchivalMetadata(dc,
			cfg.Archival.History.Status, cfg.Archival.History.EnableRead,
			cfg.Archival.Visibility.Status, cfg.Archival.Visibility.EnableRead,
			&cfg.DomainDefaults.Archival),
		ArchiverProvider:       provider.NewArchiverProvider(cfg.Archival.History.Provider, cfg.Archival.Visibility.Provider),
		AuthorizationConfig:    cfg.Authorization,
		KafkaConfig:            cfg.Kafka,
		TimeSource:             timeSource,
		OperationalConfigStore: configstore.NewNopClient(),
		// No shard distributor: matching owns every task list itself.
		PercentageOnboarded: membership.StaticPercentageOnboarded(0),
	}
	params.PersistenceConfig.TransactionSizeLimit = dc.GetIntProperty(dynamicproperties.TransactionSizeLimit)
	params.PersistenceConfig.ErrorInjectionRate = dc.GetFloat64Property(dynamicproperties.PersistenceErrorInjectionRate)

	// The system worker talks to the frontend through the public client.
	pc := rpcFactory.GetDispatcher().ClientConfig(rpc.OutboundPublicClient)
	if rpc.IsGRPCOutbound(pc) {
		params.PublicClient = compatibility.NewThrift2ProtoAdapter(
			apiv1.NewDomainAPIYARPCClient(pc),
			apiv1.NewWorkflowAPIYARPCClient(pc),
			apiv1.NewWorkerAPIYARPCClient(pc),
			apiv1.NewVisibilityAPIYARPCClient(pc),
		)
	} else {
		params.PublicClient = workflowserviceclient.New(pc)
	}
	params.DiagnosticsInvariants = []invariant.Invariant{
		timeout.NewInvariant(timeout.Params{Client: params.PublicClient}), failure.NewInvariant(), retry.NewInvariant(),
	}
	if params.BlobstoreClient, err = filestore.NewFilestoreClient(cfg.Blobstore.Filestore); err != nil {
		logger.Warn("no file blobstore client", tag.Error(err))
		params.BlobstoreClient = nil
	}
	if params.AsyncWorkflowQueueProvider, err = queue.NewAsyncQueueProvider(cfg.AsyncWorkflowQueues); err != nil {
		return nil, fmt.Errorf("async workflow queues: %w", err)
	}

	switch name {
	case service.Frontend:
		return frontend.NewService(&params)
	case service.History:
		return history.NewService(&params)
	case service.Matching:
		return matching.NewService(&params)
	case service.Worker:
		return worker.NewService(&params)
	}
	return nil, fmt.Errorf("unknown service %q", short)
}
