package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/readiness"
	"github.com/gemeente-rotterdam/catalogus/internal/retention"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

var serveCmd = command{
	name:     "serve",
	synopsis: "[flags]",
	brief:    "run the GraphQL API and GraphiQL over HTTP",
	summary:  "run the GraphQL API at /graphql, GraphiQL at /, /healthz, /readyz and /metrics",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		addr := fs.String("addr", envOr("CATALOGUS_ADDR", "127.0.0.1:8080"), "address to listen on (env CATALOGUS_ADDR)")
		municipality := fs.String("municipality", envOr("CATALOGUS_MUNICIPALITY", ""),
			"code of the default municipality, used where a query names none; default: the only one (env CATALOGUS_MUNICIPALITY)")
		seedIt := fs.Bool("seed", false, "load the seed first if it is not there (an empty SQLite database is seeded anyway)")
		maxConns := fs.Int("db-max-conns", 0, "most open database connections; 0 picks one for the machine")
		corsOrigins := fs.String("cors-origin", envOr("CATALOGUS_CORS_ORIGINS", ""),
			"comma-separated origins whose web pages may call the API, e.g. https://www.rotterdam.nl; none by default (env CATALOGUS_CORS_ORIGINS)")
		trusted := fs.String("trusted-proxy", envOr("CATALOGUS_TRUSTED_PROXIES", ""),
			"comma-separated addresses or CIDR ranges of load balancers whose X-Forwarded-For names the client, for the API and the editor's sign-in (env CATALOGUS_TRUSTED_PROXIES)")
		retain := fs.String("retention", envOr("CATALOGUS_RETENTION", "730d"),
			"replace people's names in the logs by pseudonyms after this period, checked daily; \"off\" to leave them (env CATALOGUS_RETENTION)")
		respCache := fs.Bool("response-cache", envOr("CATALOGUS_RESPONSE_CACHE", "true") != "false",
			"keep the answers to anonymous reads in memory until the catalogue changes (env CATALOGUS_RESPONSE_CACHE)")
		siteURL := siteURLFlag(fs)
		hookHosts := fs.String("webhook-allow-hosts", envOr("CATALOGUS_WEBHOOK_ALLOW_HOSTS", ""),
			"comma-separated hosts webhook callbacks may POST to (names, IP addresses, *.domain); none by default, so no subscription can be made (env CATALOGUS_WEBHOOK_ALLOW_HOSTS)")
		signIn := signInFlags(fs)
		respCacheMB := fs.Int("response-cache-mb", 64, "memory of the response cache, in MB")
		replicas := &replicaFlags{urls: list(os.Getenv("CATALOGUS_DATABASE_REPLICA_URLS")), fromEnv: true}
		fs.Var(replicas, "database-replica",
			"URL of a PostgreSQL read replica of --database (streaming replication) for anonymous reads; repeat for several (env CATALOGUS_DATABASE_REPLICA_URLS, comma-separated)")
		maxLag := fs.Duration("replica-max-lag", server.DefaultReplicaMaxLag,
			"how far behind the primary a read replica may be and still answer reads")
		testMonths := fs.String("readiness-test-months", envOr("CATALOGUS_READINESS_TEST_MONTHS", strconv.Itoa(readiness.DefaultTestMonths)),
			"readiness: a product counts as tested with residents when its last test lies at most this many months back (env CATALOGUS_READINESS_TEST_MONTHS)")
		reviewMonths := fs.String("readiness-review-months", envOr("CATALOGUS_READINESS_REVIEW_MONTHS", strconv.Itoa(readiness.DefaultReviewMonths)),
			"readiness: a NOT_APPLICABLE or UNAVAILABLE cell must have been reviewed within this many months (env CATALOGUS_READINESS_REVIEW_MONTHS)")
		var limits server.Limits
		fs.IntVar(&limits.MaxComplexity, "max-complexity", server.DefaultLimits.MaxComplexity, "highest cost of one query, reckoned before it runs (a list costs its most elements times one element; docs/api.md)")
		fs.IntVar(&limits.MaxDepth, "max-depth", server.DefaultLimits.MaxDepth, "deepest nesting of a query")
		fs.IntVar(&limits.MaxAliases, "max-aliases", server.DefaultLimits.MaxAliases, "most aliased fields in a query")
		fs.IntVar(&limits.MaxTokens, "max-tokens", server.DefaultLimits.MaxTokens, "most tokens in a query document")
		fs.IntVar(&limits.MaxListArgument, "max-list", server.DefaultLimits.MaxListArgument, "most items in one list a query passes (nameIn, ids, channels, …)")
		fs.IntVar(&limits.MaxAnswerItems, "max-answer-items", server.DefaultLimits.MaxAnswerItems, "most list items in one answer, all lists together")
		fs.IntVar(&limits.MaxAnswerBytes, "max-answer-bytes", server.DefaultLimits.MaxAnswerBytes, "largest answer, in bytes")
		fs.DurationVar(&limits.Timeout, "request-timeout", server.DefaultLimits.Timeout, "longest a GraphQL request may take; its statements are cancelled then")
		fs.Int64Var(&limits.MaxBodyBytes, "max-body", server.DefaultLimits.MaxBodyBytes, "largest request body, in bytes")
		fs.Int64Var(&limits.MaxUploadBytes, "max-upload", server.DefaultLimits.MaxUploadBytes, "largest authenticated file upload (a spreadsheet to import), in bytes")
		return func(ctx context.Context, e *env) error {
			tuneGC()
			db, err := openDB(ctx, e, store.Options{MaxConns: *maxConns})
			if err != nil {
				return err
			}
			defer db.Close()
			readers, err := openReplicas(ctx, e, db, replicas.urls, *maxConns, *maxLag)
			if err != nil {
				return err
			}
			for _, r := range readers {
				defer r.Close()
			}
			empty, err := isEmpty(ctx, db)
			if err != nil {
				return err
			}
			// The try-it-out path: a fresh SQLite file gets the seed by itself.
			// PostgreSQL is only seeded when asked.
			if *seedIt || (empty && db.Target.Dialect == dialect.SQLite) {
				if err := loadSeed(ctx, e, db); err != nil {
					return err
				}
			} else if empty {
				e.log.Warn("the catalogue is empty; load the seed with `catalogus seed` or start with --seed", "database", db.Target.Redacted)
			}
			code, err := defaultMunicipality(ctx, db, *municipality)
			if err != nil {
				return err
			}
			site, err := siteURL()
			if err != nil {
				return err
			}
			var ready readiness.Settings
			if ready.TestMonths, err = monthsFlag("readiness-test-months", *testMonths); err != nil {
				return err
			}
			if ready.ReviewMonths, err = monthsFlag("readiness-review-months", *reviewMonths); err != nil {
				return err
			}
			allow, err := webhook.ParseAllowList(*hookHosts, *addr)
			if err != nil {
				return fmt.Errorf("--webhook-allow-hosts: %w", err)
			}
			cfg := server.Config{DB: db, Municipality: code, Log: e.log, Limits: limits,
				CORSOrigins: list(*corsOrigins), TrustedProxies: list(*trusted), SiteURL: site, WarmUp: true,
				Replicas: readers, ReplicaMaxLag: *maxLag, WebhookAllow: allow, Readiness: ready}
			if cfg.SignIn, err = signIn(ctx, e, db); err != nil {
				return err
			}
			if *respCache {
				if *respCacheMB < 1 {
					return fmt.Errorf("--response-cache-mb %d: give at least 1, or turn the cache off with --response-cache=false", *respCacheMB)
				}
				cfg.ResponseCacheBytes = int64(*respCacheMB) << 20
			}
			h, err := server.NewHandler(cfg)
			if err != nil {
				return err
			}
			if *retain != "off" {
				period, err := retention.ParsePeriod(*retain)
				if err != nil {
					return err
				}
				go keepRetaining(ctx, e, db, period)
			}
			// The webhook dispatcher: every instance runs one; their claims
			// keep them from sending a notification twice (internal/webhook).
			dispatcher := &webhook.Dispatcher{DB: db.SQL, Dialect: db.Target.Dialect, SiteURL: site, Allow: allow,
				Retry: webhook.DefaultRetry, Log: e.log}
			go dispatcher.Run(ctx)
			return server.Run(ctx, *addr, h, e.log, func(a net.Addr) {
				base := "http://" + a.String()
				e.log.Info("catalogus is running", "database", db.Target.Redacted, "municipality", code, "graphql", base+"/graphql")
				fmt.Fprintf(e.stdout, "Catalogus is running. Open %s/ for GraphiQL; the API is at %s/graphql.\n", base, base)
				if cfg.SignIn != nil {
					fmt.Fprintf(e.stdout, "The editor for product owners is at %s/beheer/.\n", base)
				}
			})
		}
	},
}

// replicaFlags collects --database-replica, given once per replica; given
// at all, the flags replace the environment's list.
type replicaFlags struct {
	urls    []string
	fromEnv bool
}

// String shows no default: the URLs may hold passwords.
func (f *replicaFlags) String() string { return "" }

func (f *replicaFlags) Set(v string) error {
	if f.fromEnv {
		f.urls, f.fromEnv = nil, false
	}
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("give a replica's URL, e.g. postgres://reader@replica1/catalogus")
	}
	f.urls = append(f.urls, v)
	return nil
}

// openReplicas opens the read replicas, read-only and without waiting for
// them: one that is down now joins when it answers (the server checks).
// Replicas are PostgreSQL's streaming replicas of a PostgreSQL primary.
func openReplicas(ctx context.Context, e *env, primary *store.DB, urls []string, maxConns int, maxLag time.Duration) ([]*store.DB, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	if maxLag <= 0 {
		return nil, fmt.Errorf("--replica-max-lag %s: give a positive duration, e.g. 5s", maxLag)
	}
	if primary.Target.Dialect != dialect.Postgres {
		return nil, fmt.Errorf("--database-replica needs a PostgreSQL --database with streaming replicas; %s is SQLite", primary.Target.Redacted)
	}
	var dbs []*store.DB
	for _, u := range urls {
		t, err := store.ParseURL(u)
		if err == nil && t.Dialect != dialect.Postgres {
			err = fmt.Errorf("a replica must be a PostgreSQL URL (postgres://…)")
		}
		var db *store.DB
		if err == nil {
			db, err = store.Open(ctx, u, store.Options{MaxConns: maxConns, ReadOnly: true, Unchecked: true})
		}
		if err != nil {
			for _, d := range dbs {
				d.Close()
			}
			return nil, fmt.Errorf("--database-replica: %w", err)
		}
		e.log.Info("read replica", "database", db.Target.Redacted, "max_lag", maxLag)
		dbs = append(dbs, db)
	}
	return dbs, nil
}

func isEmpty(ctx context.Context, db *store.DB) (bool, error) {
	n, err := db.Client.Organization.Query().Count(ctx)
	return n == 0, err
}

// defaultMunicipality checks the configured default municipality, or picks
// the only one there is.
func defaultMunicipality(ctx context.Context, db *store.DB, code string) (string, error) {
	roots, err := db.Client.Organization.Query().
		Where(organization.KindEQ(organization.KindMUNICIPALITY)).
		Select(organization.FieldCode).Strings(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case code != "":
		for _, r := range roots {
			if r == code {
				return code, nil
			}
		}
		if len(roots) == 0 {
			return "", fmt.Errorf("--municipality %q: the catalogue holds no municipality yet; load the seed first", code)
		}
		return "", fmt.Errorf("--municipality %q: no such municipality; the catalogue holds %s", code, someOf(roots))
	case len(roots) == 1:
		return roots[0], nil
	case len(roots) > 1:
		return "", fmt.Errorf("the catalogue holds several municipalities (%s); choose the default with --municipality", someOf(roots))
	}
	return "", nil
}

// someOf names the first few codes, so that a national catalogue's 342 do not
// fill the screen.
func someOf(codes []string) string {
	slices.Sort(codes)
	const shown = 8
	if len(codes) <= shown {
		return strings.Join(codes, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(codes[:shown], ", "), len(codes)-shown)
}

// list splits a comma-separated flag value.
func list(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// tuneGC lets the heap grow to five times what is live before collecting
// (GOGC=400), under a soft limit of 192 MiB: a page of 50 products allocates
// about 1.7 MB, and with Go's default (GOGC=100) the collector took so much of
// two cores that the uncached page served 35–40% fewer requests a second
// (docs/performance.md). Only where the operator set neither GOGC nor
// GOMEMLIMIT.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(192 << 20)
	}
}

// monthsFlag reads a number of months, 1 to 120, from a flag.
func monthsFlag(name, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 120 {
		return 0, fmt.Errorf("--%s: %q is not a number of months from 1 to 120", name, v)
	}
	return n, nil
}
