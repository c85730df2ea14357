package server_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestOutagesAreToldByCodes: an outage is recognised by the driver's error
// codes and types, not by the words of a message. On main PostgreSQL's
// "shutting down" codes were internal errors, and any error whose message
// happened to say "connection refused" was an outage.
func TestOutagesAreToldByCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		down bool
	}{
		{&pq.Error{Code: "57P01", Message: "terminating connection due to administrator command"}, true},
		{&pq.Error{Code: "57P02", Message: "terminating connection because of crash of another server process"}, true},
		{&pq.Error{Code: "57P03", Message: "the database system is shutting down"}, true},
		{&pq.Error{Code: "08006", Message: "connection failure"}, true},
		{fmt.Errorf("loading products: %w", &pq.Error{Code: "57P03"}), true},
		{fmt.Errorf("reading: %w", driver.ErrBadConn), true},
		{&pq.Error{Code: "42P01", Message: "connection refused"}, false},
		{&pq.Error{Code: "22021", Message: "invalid byte sequence for encoding \"UTF8\": 0x00"}, false},
		{errors.New("dial tcp: connection refused"), false},
		{context.DeadlineExceeded, false},
		{fmt.Errorf("query: %w", context.Canceled), false},
	} {
		if got := graph.DatabaseDown(tc.err); got != tc.down {
			t.Errorf("%v: down %v, want %v", tc.err, got, tc.down)
		}
	}
}

// outageWorld is a catalogue on PostgreSQL behind a proxy the test can cut,
// with a token and an editor signed in.
type outageWorld struct {
	*fanOutWorld
	proxy *proxy
	log   *logTally
}

func newOutageWorld(t *testing.T, urlParams string) *outageWorld {
	t.Helper()
	base := os.Getenv(storetest.EnvURL)
	if base == "" {
		t.Skipf("needs PostgreSQL: set %s", storetest.EnvURL)
	}
	u, drop, err := storetest.NewSchema(context.Background(), base, "outage")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = drop() })
	parsed, _ := url.Parse(u)
	p := &proxy{addr: "127.0.0.1:0", target: parsed.Host}
	p.start(t)
	t.Cleanup(p.cut)
	parsed.Host = p.addr
	parsed.RawQuery += urlParams
	db, err := store.Open(context.Background(), parsed.String(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	fanOutData(t, db)
	log := &logTally{}
	return &outageWorld{fanOutWorld: serveFanOut(t, db, server.Config{Log: slog.New(log)}), proxy: p, log: log}
}

// TestOutageAnswersEveryCaller: while the database is away, anonymous
// callers, token holders and signed-in editors all get JSON with
// SERVICE_UNAVAILABLE and status 503, and the log says so once as it begins
// and once as it ends. On main token holders got a bare 500 "internal
// error" in plain text, anonymous callers status 200, and every request
// logged a line.
func TestOutageAnswersEveryCaller(t *testing.T) {
	w := newOutageWorld(t, "")
	const q = `{ products { totalCount } }`
	if r := call(t, w.url, "", q, nil); len(r.Errors) > 0 {
		t.Fatalf("before the outage: %+v", r.Errors)
	}
	w.proxy.cut()
	for i := range 5 {
		for who, r := range map[string]reply{
			"anonymous": call(t, w.url, "", q, nil),
			"token":     call(t, w.url, w.token, q, nil),
			"editor":    w.editor.call(t, q),
		} {
			if r.Status != 503 || r.code() != graph.CodeUnavailable {
				t.Errorf("request %d, %s: status %d, errors %+v; want 503 and %s", i, who, r.Status, r.Errors, graph.CodeUnavailable)
			}
		}
	}
	// The watcher pings in a goroutine of its own: the database comes back
	// only once it has found it away. Brought back sooner (a busy machine
	// had not run the goroutine before the five rounds ended), the first
	// ping works and the outage is logged as a dropped connection instead.
	begun := "WARN database unreachable: requests are answered 503 until it is back"
	for deadline := time.Now().Add(20 * time.Second); !slices.Contains(w.log.lines(slog.LevelInfo), begun); {
		if time.Now().After(deadline) {
			t.Fatalf("no line says the database is away: %q", w.log.lines(slog.LevelInfo))
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.proxy.start(t)
	deadline := time.Now().Add(20 * time.Second)
	for !slices.Contains(w.log.lines(slog.LevelInfo), "INFO database reachable again") {
		if time.Now().After(deadline) {
			t.Fatalf("no line says the database is back: %q", w.log.lines(slog.LevelInfo))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for who, r := range map[string]reply{"anonymous": call(t, w.url, "", q, nil), "token": call(t, w.url, w.token, q, nil), "editor": w.editor.call(t, q)} {
		if len(r.Errors) > 0 {
			t.Errorf("%s after the outage: %+v", who, r.Errors)
		}
	}
	var outageLines []string
	for _, l := range w.log.lines(slog.LevelInfo) {
		if strings.Contains(l, "database") {
			outageLines = append(outageLines, l)
		}
	}
	want := []string{"WARN database unreachable: requests are answered 503 until it is back", "INFO database reachable again"}
	if !slices.Equal(outageLines, want) {
		t.Errorf("the outage's log lines: %q; want %q", outageLines, want)
	}
	if errs := w.log.lines(slog.LevelError); len(errs) > 0 {
		t.Errorf("the outage was logged as errors: %q", errs)
	}
}

// shuttingDown answers every connection at addr as PostgreSQL does while it
// shuts down: an ErrorResponse with SQLSTATE 57P03 (cannot_connect_now) to
// the startup message.
func shuttingDown(t *testing.T, addr string) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond) // the proxy's port may linger a moment
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var msg []byte
	for _, f := range []string{"SFATAL", "VFATAL", "C57P03", "Mthe database system is shutting down"} {
		msg = append(append(msg, f...), 0)
	}
	msg = append(msg, 0)
	packet := append([]byte{'E'}, binary.BigEndian.AppendUint32(nil, uint32(len(msg)+4))...)
	packet = append(packet, msg...)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var size [4]byte
				if _, err := io.ReadFull(c, size[:]); err != nil {
					return
				}
				if _, err := io.CopyN(io.Discard, c, int64(binary.BigEndian.Uint32(size[:]))-4); err != nil {
					return
				}
				_, _ = c.Write(packet)
			}()
		}
	}()
}

// TestShutdownCodesAreAnOutage: a PostgreSQL that is shutting down (it
// answers new connections with SQLSTATE 57P03) is an outage like any other:
// 503 and SERVICE_UNAVAILABLE for every caller, one line in the log. On main
// it was INTERNAL_SERVER_ERROR, logged at ERROR for every request.
func TestShutdownCodesAreAnOutage(t *testing.T) {
	w := newOutageWorld(t, "")
	const q = `{ products { totalCount } channels { code } }`
	if r := call(t, w.url, "", q, nil); len(r.Errors) > 0 {
		t.Fatalf("before: %+v", r.Errors)
	}
	w.proxy.cut()
	shuttingDown(t, w.proxy.addr)
	for who, r := range map[string]reply{"anonymous": call(t, w.url, "", q, nil), "token": call(t, w.url, w.token, q, nil), "editor": w.editor.call(t, q)} {
		if r.Status != 503 || r.code() != graph.CodeUnavailable {
			t.Errorf("%s, while PostgreSQL shuts down: status %d, errors %+v", who, r.Status, r.Errors)
		}
	}
	if errs := w.log.lines(slog.LevelError); len(errs) > 0 {
		t.Errorf("logged as errors: %q", errs)
	}
}

// flaky is a driver whose database goes away the moment a transaction
// commits (down), or whose commit goes through and then reports the
// connection lost (lostCommit).
type flaky struct {
	*entsql.Driver
	armed, down, lostCommit *atomic.Bool
}

var errShutdown = &pq.Error{Code: "57P01", Message: "terminating connection due to administrator command"}

func (f flaky) gone() error {
	if f.down.Load() {
		return errShutdown
	}
	return nil
}

func (f flaky) Query(ctx context.Context, q string, args, v any) error {
	if err := f.gone(); err != nil {
		return err
	}
	return f.Driver.Query(ctx, q, args, v)
}

func (f flaky) Exec(ctx context.Context, q string, args, v any) error {
	if err := f.gone(); err != nil {
		return err
	}
	return f.Driver.Exec(ctx, q, args, v)
}

func (f flaky) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := f.gone(); err != nil {
		return nil, err
	}
	return f.Driver.QueryContext(ctx, q, args...)
}

func (f flaky) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := f.gone(); err != nil {
		return nil, err
	}
	return f.Driver.ExecContext(ctx, q, args...)
}

func (f flaky) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := f.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return flakyTx{Tx: tx.(*entsql.Tx), f: f}, nil
}

type flakyTx struct {
	*entsql.Tx
	f flaky
}

func (t flakyTx) Commit() error {
	if err := t.Tx.Commit(); err != nil {
		return err
	}
	if t.f.armed.Load() {
		if t.f.lostCommit.Load() {
			return driver.ErrBadConn
		}
		t.f.down.Store(true)
	}
	return nil
}

// TestASavedChangeIsNotReportedFailed: when the database goes away after a
// change committed, the caller learns that it was saved (outcome SAVED), and
// when the connection is lost during the commit, that nobody can tell
// (UNKNOWN) — never a plain failure, and never a 503 that invites sending
// it again. On main both were SERVICE_UNAVAILABLE "try again in a moment"
// (or INTERNAL_SERVER_ERROR for PostgreSQL's shutdown code), though the
// change was saved.
func TestASavedChangeIsNotReportedFailed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.ClusterA)
		var armed, down, lost atomic.Bool
		f := flaky{Driver: entsql.OpenDB(db.Target.Dialect, db.SQL), armed: &armed, down: &down, lostCommit: &lost}
		faulty := &store.DB{SQL: db.SQL, Target: db.Target, Client: ent.NewClient(ent.Driver(f), ent.Clock(clock.System{}))}
		token, err := auth.Tokens{Client: db.Client}.Create(context.Background(), "redactie", auth.Editor, "cluster-a")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.Handler(server.Config{DB: faulty}))
		t.Cleanup(srv.Close)
		set := func(version int, status string) reply {
			armed.Store(true)
			defer armed.Store(false)
			defer down.Store(false)
			return call(t, srv.URL, token, `mutation($in: SetAvailabilityInput!) { setAvailability(input: $in) { version availabilities { status channel { code } } } }`,
				map[string]any{"in": map[string]any{"product": "paspoort", "expectedVersion": version, "channel": "website", "status": status}})
		}
		cell := func() availability.Status {
			a, err := db.Client.Availability.Query().Where(availability.ProductID(p.ID), availability.ChannelID(k.Website.ID)).Only(fixture.Ctx())
			if err != nil {
				t.Fatal(err)
			}
			return a.Status
		}

		r := set(1, "AVAILABLE")
		if r.Status != 200 || r.code() != graph.CodeUnavailable || len(r.Errors) != 1 || r.Errors[0].Extensions["outcome"] != "SAVED" ||
			!strings.Contains(r.Errors[0].Message, "saved") {
			t.Errorf("the database went away after the commit: status %d, errors %+v; want 200, outcome SAVED", r.Status, r.Errors)
		}
		if got := cell(); got != availability.StatusAVAILABLE {
			t.Fatalf("the change is not there: %s", got)
		}

		lost.Store(true)
		r = set(2, "PARTIAL")
		lost.Store(false)
		if r.Status != 200 || r.code() != graph.CodeUnavailable || len(r.Errors) != 1 || r.Errors[0].Extensions["outcome"] != "UNKNOWN" {
			t.Errorf("the connection was lost during the commit: status %d, errors %+v; want 200, outcome UNKNOWN", r.Status, r.Errors)
		}
		if got := cell(); got != availability.StatusPARTIAL {
			t.Fatalf("the change is not there: %s", got)
		}
	})
}
