// Package server wires the catalogue's HTTP surface: the GraphQL endpoint,
// GraphiQL, health and readiness checks, and Prometheus metrics, with request
// logging, timeouts and graceful shutdown.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/beheer"
	"github.com/gemeente-rotterdam/catalogus/internal/clientaddr"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/dashboard"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/readiness"
	"github.com/gemeente-rotterdam/catalogus/internal/server/graphiql"
	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/webassets"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

// Config is what the server needs.
type Config struct {
	DB *store.DB
	// Municipality is the default municipality's code ("" = the only one).
	Municipality string
	Log          *slog.Logger
	// Limits bound each request; zero values take DefaultLimits.
	Limits Limits
	// CORSOrigins may call the API from a browser; none by default.
	CORSOrigins []string
	// TrustedProxies are the addresses (or CIDR ranges) of load balancers
	// whose X-Forwarded-For tells the client's address.
	TrustedProxies []string
	// AuthFailures is how many failed sign-ins a client may make per minute
	// before it is refused for the rest of the minute; 0 means 10.
	AuthFailures int
	// ResponseCacheBytes is the memory of the cache of anonymous reads' answers;
	// 0 turns the cache off.
	ResponseCacheBytes int64
	// SiteURL is the base of the product pages that the published documents
	// (schema.org, Samenwerkende Catalogi) link to; empty means
	// publish.DefaultSiteURL.
	SiteURL string
	// Readiness holds the readiness checklist's intervals (zero: the
	// defaults of internal/readiness).
	Readiness readiness.Settings
	// Now tells the time; nil means the system clock.
	Now func() time.Time
	// SignIn signs staff in to the editor pages (/beheer) and authenticates
	// the pages' API requests (/beheer/graphql); nil leaves the pages
	// without sign-in.
	SignIn *signin.Service
	// Streams bound the subscriptions; zero values take
	// DefaultStreamLimits.
	Streams StreamLimits
	// WebhookAllow is the hosts webhook callbacks may point at (serve
	// --webhook-allow-hosts); nil accepts no callback URL.
	WebhookAllow *webhook.AllowList
	// WarmUp counts the whole country's coverage in the background as the
	// handler is made, so that the first countryCoverage does not wait
	// seconds for it at national size (serve sets it; tests need not).
	WarmUp bool
	// Replicas are read replicas of DB (PostgreSQL streaming replication):
	// anonymous reads go to one in rotation, everything else to DB. None:
	// everything reads DB.
	Replicas []*store.DB
	// ReplicaMaxLag is how far behind DB a replica may be and stay in
	// rotation; 0 means DefaultReplicaMaxLag.
	ReplicaMaxLag time.Duration
	// ReplicaCheckEvery is how often the replicas' health and lag are
	// checked; 0 means a second.
	ReplicaCheckEvery time.Duration
}

// warmUp counts the country's coverage once, for the counts kept between
// calls (coverage.Service.Country); a request arriving meanwhile waits for
// the same count instead of starting its own.
func warmUp(s *coverage.Service, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	r, err := s.Country(ctx, start)
	if err != nil {
		log.Warn("counting the country's coverage at start failed; the first countryCoverage counts instead", "err", err)
		return
	}
	log.Info("counted the country's coverage", "municipalities", len(r.ByOrganization), "cells", r.Counts.Applicable(), "took", time.Since(start).Round(time.Millisecond))
}

// Handler returns the service's routes. It panics on a configuration error
// that NewHandler reports; use NewHandler where the configuration comes from
// outside.
func Handler(cfg Config) http.Handler {
	h, err := NewHandler(cfg)
	if err != nil {
		panic(err)
	}
	return h
}

// NewHandler returns the service's routes.
func NewHandler(cfg Config) (http.Handler, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := newMetrics(cfg.DB)
	mux := http.NewServeMux()
	clients, err := clientaddr.New(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	failures := cfg.AuthFailures
	if failures <= 0 {
		failures = 10
	}
	limits := cfg.Limits.withDefaults()
	var cache *responseCache
	if cfg.ResponseCacheBytes > 0 {
		cache = newResponseCache(cfg.ResponseCacheBytes)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	// One resolver for both, so that the kept coverage counts are kept once.
	resolver := graph.NewResolver(cfg.DB, cfg.Municipality)
	resolver.SiteURL = cfg.SiteURL
	resolver.Webhooks.Allow = cfg.WebhookAllow
	resolver.ReadinessSettings = cfg.Readiness
	bounds := readBounds(cfg.DB, log)
	// The parsed documents and the persisted queries are kept for both, in
	// budgets of bytes.
	kept := keptQueries{
		documents: newByteCache(limits.PersistedQueryBytes, maxDocumentCost, documentCost),
		persisted: newByteCache(limits.PersistedQueryBytes, maxPersistedCost, persistedCost),
	}
	// Field suggestions ("did you mean …") help people who build on the
	// API, and help strangers map it: only authenticated callers get them.
	anonymous := graphQL(resolver, limits, bounds, kept, log, m, true)
	signedIn := graphQL(resolver, limits, bounds, kept, log, m, false)
	streamLimits := cfg.Streams.withDefaults()
	liveAnonymous := liveGraphQL(resolver, limits, streamLimits, bounds, kept, log, m, true)
	liveSignedIn := liveGraphQL(resolver, limits, streamLimits, bounds, kept, log, m, false)
	if cfg.WarmUp {
		go warmUp(resolver.CoverageService, log)
	}
	rd := &readers{log: log, maxLag: cfg.ReplicaMaxLag, primary: &source{name: "primary", db: cfg.DB,
		api: sourceAPI(anonymous, signedIn), publish: publish.Source{Client: cfg.DB.Client, SiteURL: cfg.SiteURL}}}
	if rd.maxLag <= 0 {
		rd.maxLag = DefaultReplicaMaxLag
	}
	for i, db := range cfg.Replicas {
		// Each replica its own resolvers: they hold one Ent client.
		res := graph.NewResolver(db, cfg.Municipality)
		res.SiteURL = cfg.SiteURL
		if cfg.WarmUp {
			go warmUp(res.CoverageService, log)
		}
		rd.replicas = append(rd.replicas, &source{name: "replica-" + strconv.Itoa(i+1), db: db, replica: true,
			api:     sourceAPI(graphQL(res, limits, bounds, kept, log, m, true), signedIn),
			publish: publish.Source{Client: db.Client, SiteURL: cfg.SiteURL}})
		m.reg.MustRegister(collectors.NewDBStatsCollector(db.SQL, db.Target.Dialect+"-replica-"+strconv.Itoa(i+1)))
	}
	if len(rd.replicas) > 0 {
		every := cfg.ReplicaCheckEvery
		if every <= 0 {
			every = time.Second
		}
		c := &checker{rd: rd, every: every, m: newReplicaMetrics(m.reg)}
		c.check() // before the first request: which replicas are in rotation
		go c.run()
	}
	// Subscriptions stay on the primary: one poller of its version wakes
	// them (internal/live), and a stream outlives any choice of replica.
	live := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.FromContext(r.Context()) != nil {
			liveSignedIn.ServeHTTP(w, r)
			return
		}
		liveAnonymous.ServeHTTP(w, r)
	})
	mux.Handle("/graphql", cors(cfg.CORSOrigins, limitBody(limits.MaxBodyBytes, limits.MaxUploadBytes,
		authenticate(auth.Tokens{Client: cfg.DB.Client}, clients, newThrottle(failures, time.Minute), log,
			newStreams(live, conditional(rd, cache, now, m), streamLimits, clients, m)))))
	docs := documents{rd: rd, municipality: cfg.Municipality, cache: cache, m: m, log: log}
	mux.Handle("GET /products/{file}", docs.serve(docs.productJSONLD))
	mux.Handle("GET /sc.xml", docs.serve(docs.scFeed))
	mux.Handle("GET /{$}", graphiql.Page())
	board, editor := dashboard.Handler(), beheer.Handler()
	mux.Handle("GET "+dashboard.Path, board)
	mux.Handle("GET "+dashboard.Path+"/", board)
	mux.Handle("GET "+graphiql.Prefix, graphiql.Assets())
	mux.Handle("GET "+beheer.Path, editor)
	mux.Handle("GET "+beheer.Path+"/", editor)
	// The modules both pages import (webassets.Unresolved checks the paths).
	mux.Handle("GET "+webassets.SharedPath+"/", webassets.Shared())
	if cfg.SignIn != nil {
		// The editor pages' own door to the same API: session and CSRF token
		// instead of a bearer token, and never the anonymous response cache.
		cfg.SignIn.Register(mux, limitBody(limits.MaxBodyBytes, limits.MaxUploadBytes, overHTTP(signedIn)), clients)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if len(rd.replicas) > 0 {
			if rd.ready(w, r) && cfg.SignIn != nil {
				fmt.Fprintln(w, cfg.SignIn.ProviderStatus())
			}
			return
		}
		if err := cfg.DB.Ping(ctx); err != nil {
			// Probes come often: the outage is logged once (outage.go).
			log.Debug("not ready: database unreachable", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unreachable")
			return
		}
		fmt.Fprintln(w, "ready")
		if cfg.SignIn != nil {
			// The provider's state is reported, never held against readiness:
			// the public API and the dashboard do not need it.
			fmt.Fprintln(w, cfg.SignIn.ProviderStatus())
		}
	})
	mux.Handle("GET /metrics", m.handler())
	down := &outage{log: log, ping: cfg.DB.Ping, every: time.Second}
	return logRequests(log, m.instrument(down.watch(mux))), nil
}

// readBounds reads the cost model's bounds from the database; a database
// that cannot be read now gets the least bounds, and the answers' limits.
func readBounds(db *store.DB, log *slog.Logger) Bounds {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := ReadBounds(ctx, db.SQL)
	if err != nil {
		log.Warn("the cost model takes its least bounds", "err", err)
		return MinBounds
	}
	log.Debug("the cost model's bounds", "channels", b.Channels, "locations", b.Locations, "organizations", b.Organizations,
		"municipalities", b.Municipalities, "themes", b.Themes, "answers_per_product", b.AnswersPerProduct, "products_per_answer", b.ProductsPerAnswer)
	return b
}

// keptQueries are the queries the GraphQL handlers keep between requests.
type keptQueries struct {
	documents *byteCache[*ast.QueryDocument]
	persisted *byteCache[string]
}

func graphQL(resolver *graph.Resolver, limits Limits, bounds Bounds, kept keptQueries, log *slog.Logger, m *metrics, hideSuggestions bool) http.Handler {
	srv := executor(resolver, limits, bounds, kept, log, m, hideSuggestions, func(srv *handler.Server) {
		// Explicit transports, no websockets: subscriptions are served as
		// Server-Sent Events by liveGraphQL.
		srv.AddTransport(transport.Options{})
		srv.AddTransport(getQueries{})
		srv.AddTransport(postJSON{})
		// Files (a spreadsheet to import) come as multipart forms; overHTTP lets
		// only authenticated ones through (see upload).
		srv.AddTransport(transport.MultipartForm{MaxUploadSize: limits.MaxUploadBytes, MaxMemory: 4 << 20})
	})
	srv.Use(operationKinds{stream: false})
	return withDeadline(limits.Timeout, srv)
}

// liveGraphQL serves subscriptions as Server-Sent Events (the graphql-sse
// protocol's distinct connections mode, which gqlgen's SSE transport
// speaks). Every check of other requests holds for each answer of a stream;
// the deadline is the stream's lifetime instead (streams.go).
func liveGraphQL(resolver *graph.Resolver, limits Limits, streams StreamLimits, bounds Bounds, kept keptQueries, log *slog.Logger, m *metrics, hideSuggestions bool) http.Handler {
	srv := executor(resolver, limits, bounds, kept, log, m, hideSuggestions, func(srv *handler.Server) {
		srv.AddTransport(transport.SSE{KeepAlivePingInterval: streams.KeepAlive})
	})
	srv.Use(operationKinds{stream: true})
	return srv
}

// executor is the GraphQL executor with every check, over the transports
// that transports adds.
func executor(resolver *graph.Resolver, limits Limits, bounds Bounds, kept keptQueries, log *slog.Logger, m *metrics, hideSuggestions bool, transports func(*handler.Server)) *handler.Server {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  resolver,
		Complexity: costModel(bounds),
	}))
	transports(srv)
	srv.SetQueryCache(kept.documents)
	srv.SetParserTokenLimit(limits.MaxTokens)
	srv.SetDisableSuggestion(hideSuggestions)
	// Introspection stays on: the API is public and documented.
	srv.Use(extension.Introspection{})
	// Before an operation runs: its shape, its arguments, its cost.
	srv.Use(shape{limits})
	srv.Use(&arguments{maxList: limits.MaxListArgument})
	srv.Use(&costLimit{max: limits.MaxComplexity})
	// While it runs: what its answer holds, and its deadline.
	srv.Use(graph.AnswerLimit{MaxItems: limits.MaxAnswerItems, MaxBytes: limits.MaxAnswerBytes})
	// Websites may send a query's hash instead of its text (automatic
	// persisted queries), which also suits GET and HTTP caches. Last, so that
	// a query is kept only once everything above let it through.
	srv.Use(persistedQueries{cache: kept.persisted})
	srv.SetErrorPresenter(graph.ErrorPresenter(log, RequestID))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.Error("panic in a resolver", "request_id", RequestID(ctx), "panic", fmt.Sprint(p))
		return gqlerror.Errorf("internal error (request %s)", RequestID(ctx))
	})
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp != nil && len(resp.Errors) > 0 {
			m.graphqlErrors.Add(float64(len(resp.Errors)))
		}
		return resp
	})
	srv.AroundResponses(noteUnavailable)
	return srv
}

type requestIDKey struct{}

// RequestID returns the id the server gave the request, for logs and errors.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends what was written so far: a stream's events must not wait in a
// buffer (gqlgen's SSE transport asks for an http.Flusher).
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// logRequests gives every request an id (X-Request-Id) and logs it when done;
// probes and metrics scrapes are left out of the log.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(sw, r.WithContext(ctx))
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			return
		}
		log.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "took", time.Since(start).Round(time.Microsecond))
	})
}

// Run serves until ctx is cancelled, then shuts down gracefully: in-flight
// requests get up to grace to finish.
func Run(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	shuttingDown := make(chan struct{})
	srv := &http.Server{
		Handler: h,
		BaseContext: func(net.Listener) context.Context {
			return context.WithValue(context.Background(), shuttingDownKey{}, (<-chan struct{})(shuttingDown))
		},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(func() { close(shuttingDown) })
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	const grace = 20 * time.Second
	log.Info("shutting down; letting requests in flight finish", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
