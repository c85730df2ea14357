package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// Read replicas (PostgreSQL streaming replication, docs/deployment.md).
//
// Anonymous reads — GraphQL queries without a token, the published
// documents, the dashboard's calls — go to a replica in rotation; mutations,
// token callers and the editor go to the primary. Each database has its own
// resolvers and GraphQL handler (a resolver holds one Ent client), so the
// choice is made once per request, before anything runs, and the version
// behind a request's ETag is read from the database that then answers it.
//
// A checker takes a replica out of rotation when it does not answer, is no
// longer in recovery (promoted), or is further behind than the lag bound;
// a request whose replica fails takes it out at once. Without replicas every
// request goes to the primary exactly as before.

// DefaultReplicaMaxLag is how far behind the primary a replica may be and
// stay in rotation.
const DefaultReplicaMaxLag = 5 * time.Second

// source is one database and the handlers that read it.
type source struct {
	name    string // "primary", "replica-1", …: the label in /metrics
	db      *store.DB
	api     http.Handler // GraphQL (overHTTP) on this database
	publish publish.Source
	replica bool

	// Written by the checker; read by every request.
	inRotation atomic.Bool
	up         atomic.Bool
	lag        atomic.Int64 // nanoseconds; -1 while unknown
	mu         sync.Mutex
	state      string // in words, for /readyz
}

func (s *source) setState(up, inRotation bool, lag time.Duration, state string) {
	s.up.Store(up)
	s.inRotation.Store(inRotation)
	s.lag.Store(int64(lag))
	s.mu.Lock()
	s.state = state
	s.mu.Unlock()
}

func (s *source) describe() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	where := ""
	if s.db.Target.HostPort != "" {
		where = " (" + s.db.Target.HostPort + ")"
	}
	return s.name + where + ": " + s.state
}

// readers chooses the database of each request.
type readers struct {
	primary  *source
	replicas []*source
	next     atomic.Uint64
	// floor is the highest catalogue version this instance has answered
	// with: a replica behind it would take a reader back in time (an older
	// ETag after a newer one), so such a request reads the primary.
	floor  atomic.Int64
	maxLag time.Duration
	log    *slog.Logger
}

// replica returns a replica in rotation, taking turns; nil when none is.
func (rd *readers) replica() *source {
	n := len(rd.replicas)
	if n == 0 {
		return nil
	}
	start := rd.next.Add(1)
	for i := range n {
		if s := rd.replicas[(int(start)+i)%n]; s.inRotation.Load() {
			return s
		}
	}
	return nil
}

// versioned chooses the database of an anonymous read and reads the
// catalogue's version there. Without replicas it is the primary's version
// as before, error and all.
func (rd *readers) versioned(ctx context.Context) (*source, int64, error) {
	s := rd.replica()
	if s == nil {
		v, err := rd.primary.db.Version(ctx)
		if err == nil {
			rd.raise(v)
		}
		return rd.primary, v, err
	}
	v, err := s.db.Version(ctx)
	if err == nil && v >= rd.floor.Load() {
		rd.raise(v)
		return s, v, nil
	}
	if err != nil && ctx.Err() == nil {
		// Out until the checker finds it well again: the next requests
		// should not try it first.
		s.setState(false, false, -1, "unreachable: "+err.Error())
		rd.log.Warn("a read replica failed a request; it is out of rotation until it answers again", "replica", s.name, "err", err)
	}
	pv, perr := rd.primary.db.Version(ctx)
	if perr == nil {
		rd.raise(pv)
		return rd.primary, pv, nil
	}
	if err == nil {
		// The primary is down and this replica lags what was answered
		// before: its older answer is better than none.
		return s, v, nil
	}
	return rd.primary, pv, perr
}

// anyReader is versioned where the version is not needed: without replicas
// the primary, read nothing first (as before).
func (rd *readers) anyReader(ctx context.Context) *source {
	if len(rd.replicas) == 0 {
		return rd.primary
	}
	s, _, _ := rd.versioned(ctx)
	return s
}

func (rd *readers) raise(v int64) {
	for {
		f := rd.floor.Load()
		if v <= f || rd.floor.CompareAndSwap(f, v) {
			return
		}
	}
}

// readOnlyDocument tells whether a GraphQL document holds only queries, which
// a replica can answer; anything else (a mutation, a document that does not
// parse and will be refused) goes to the primary.
func readOnlyDocument(query string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil || len(doc.Operations) == 0 {
		return false
	}
	for _, op := range doc.Operations {
		if op.Operation != ast.Query {
			return false
		}
	}
	return true
}

// sourceAPI is a database's GraphQL endpoint: anonymous callers get its
// anonymous handler; a caller with a viewer always gets the primary's
// signed-in one, whatever chose this database.
func sourceAPI(anonymous, signedIn http.Handler) http.Handler {
	return overHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.FromContext(r.Context()) != nil {
			signedIn.ServeHTTP(w, r)
			return
		}
		anonymous.ServeHTTP(w, r)
	}))
}

// walSample is the primary's WAL position at a moment.
type walSample struct {
	at  time.Time
	lsn uint64
}

// checker watches the replicas' health and lag.
type checker struct {
	rd      *readers
	every   time.Duration
	history []walSample // the primary's positions, oldest first
	m       *replicaMetrics
}

// run checks until the primary's database is closed.
func (c *checker) run() {
	for {
		if closed := c.check(); closed {
			return
		}
		time.Sleep(c.every)
	}
}

// check looks at every database once. The lag of a replica is measured in
// WAL positions: the primary's position is sampled at each check, and a
// replica that has replayed the position of time t holds everything
// committed before t, so it is at most now − t behind. An idle primary's
// position stands still, so a replica that has replayed it is not behind —
// where pg_last_xact_replay_timestamp() alone would call it as far behind
// as the last commit is old. Only a replica behind every sample kept falls
// back to now − its last replayed commit's time.
func (c *checker) check() (closed bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := time.Now()
	p := c.rd.primary
	var lsnText string
	err := p.db.SQL.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsnText)
	primaryUp := err == nil
	if err != nil && err.Error() == "sql: database is closed" {
		return true
	}
	if primaryUp {
		p.setState(true, true, 0, "up")
		if lsn, ok := parseLSN(lsnText); ok {
			c.history = append(c.history, walSample{now, lsn})
		}
		// Keep what measures lags up to twice the bound.
		keep := 2*c.rd.maxLag + 2*c.every
		for len(c.history) > 2 && now.Sub(c.history[1].at) > keep {
			c.history = c.history[1:]
		}
	} else {
		p.setState(false, false, 0, "unreachable: "+err.Error())
	}
	for _, s := range c.rd.replicas {
		c.checkReplica(ctx, s, now, primaryUp)
	}
	c.m.observe(c.rd)
	return false
}

func (c *checker) checkReplica(ctx context.Context, s *source, now time.Time, primaryUp bool) {
	var recovering bool
	var replay *string
	var sinceCommit *float64
	err := s.db.SQL.QueryRowContext(ctx, `SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,
		EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8`).Scan(&recovering, &replay, &sinceCommit)
	was := s.inRotation.Load()
	switch {
	case err != nil:
		s.setState(false, false, -1, "unreachable: "+err.Error())
	case !recovering || replay == nil:
		s.setState(true, false, -1, "out of rotation: not in recovery (promoted, or not a replica)")
	case !primaryUp:
		// Its lag cannot be measured; while the primary is down it is the
		// best there is.
		s.setState(true, true, -1, "in rotation; lag unknown while the primary is unreachable")
	default:
		lsn, _ := parseLSN(*replay)
		lag, known := c.lag(lsn, now)
		if !known {
			lag = time.Duration(-1)
			if sinceCommit != nil {
				lag = time.Duration(*sinceCommit * float64(time.Second))
			}
		}
		switch {
		case lag < 0:
			s.setState(true, false, -1, "out of rotation: lag unknown")
		case lag > c.rd.maxLag:
			s.setState(true, false, lag, fmt.Sprintf("out of rotation: %s behind (bound %s)", lag.Round(time.Millisecond), c.rd.maxLag))
		default:
			s.setState(true, true, lag, fmt.Sprintf("in rotation, %s behind", lag.Round(time.Millisecond)))
		}
	}
	if now := s.inRotation.Load(); now != was {
		if now {
			c.rd.log.Info("a read replica is back in rotation", "replica", s.name, "state", s.describe())
		} else {
			c.rd.log.Warn("a read replica is out of rotation; its reads go elsewhere", "replica", s.name, "state", s.describe())
		}
	}
}

// lag is how far behind a replica at position lsn is at most: now minus the
// time of the newest sample it has replayed (so under steady writes about
// one check's interval at best); unknown when it has replayed none.
func (c *checker) lag(lsn uint64, now time.Time) (time.Duration, bool) {
	for i := len(c.history) - 1; i >= 0; i-- {
		if c.history[i].lsn <= lsn {
			return now.Sub(c.history[i].at), true
		}
	}
	return 0, false
}

// parseLSN reads PostgreSQL's "16/B374D848".
func parseLSN(s string) (uint64, bool) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, false
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return h<<32 | l, true
}

// replicaMetrics report each database's state in /metrics.
type replicaMetrics struct {
	up, inRotation, lag *prometheus.GaugeVec
}

func newReplicaMetrics(reg *prometheus.Registry) *replicaMetrics {
	m := &replicaMetrics{
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "catalogus_database_up",
			Help: "Whether the database answered its last check (1) or not (0), by database (primary, replica-N).",
		}, []string{"database"}),
		inRotation: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "catalogus_database_in_rotation",
			Help: "Whether the database takes anonymous reads (1) or not (0), by database.",
		}, []string{"database"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "catalogus_database_replica_lag_seconds",
			Help: "How far a replica is behind the primary, measured on WAL positions; -1 while unknown.",
		}, []string{"database"}),
	}
	reg.MustRegister(m.up, m.inRotation, m.lag)
	return m
}

func (m *replicaMetrics) observe(rd *readers) {
	for _, s := range append([]*source{rd.primary}, rd.replicas...) {
		m.up.WithLabelValues(s.name).Set(b2f(s.up.Load()))
		m.inRotation.WithLabelValues(s.name).Set(b2f(s.inRotation.Load()))
		lag := float64(-1)
		if l := s.lag.Load(); l >= 0 {
			lag = time.Duration(l).Seconds()
		}
		if s.replica {
			m.lag.WithLabelValues(s.name).Set(lag)
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// readyReplicas answers /readyz with replicas: ready while anything can
// answer reads (the primary, or a replica in rotation), each database's state
// in a line of its own.
func (rd *readers) ready(w http.ResponseWriter, r *http.Request) bool {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	primaryErr := rd.primary.db.Ping(ctx)
	reads := primaryErr == nil
	for _, s := range rd.replicas {
		reads = reads || s.inRotation.Load()
	}
	if !reads {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unreachable")
	} else if primaryErr != nil {
		fmt.Fprintln(w, "ready for reads; the primary is unreachable, so writes and signed-in requests are refused")
	} else {
		fmt.Fprintln(w, "ready")
	}
	p := "primary: up"
	if primaryErr != nil {
		p = "primary: unreachable: " + primaryErr.Error()
	}
	fmt.Fprintln(w, p)
	for _, s := range rd.replicas {
		fmt.Fprintln(w, s.describe())
	}
	return reads
}
