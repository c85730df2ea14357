package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// proxy is a TCP proxy the test can cut and restore, standing between the
// service and PostgreSQL.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	var err error
	for range 50 {
		if p.ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond) // the old listener's port may linger a moment
	}
	if err != nil {
		t.Fatal(err)
	}
	p.addr = p.ln.Addr().String()
	go func(ln net.Listener) {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}(p.ln)
}

// cut closes the listener and every connection: the database is gone.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestDatabaseOutage takes PostgreSQL away under load and brings it back:
// readiness turns 503, requests fail fast with a clear error, and everything
// works again without a restart.
func TestDatabaseOutage(t *testing.T) {
	base := os.Getenv(storetest.EnvURL)
	if base == "" {
		t.Skipf("needs PostgreSQL: set %s", storetest.EnvURL)
	}
	u, drop, err := storetest.NewSchema(context.Background(), base, "outage")
	if err != nil {
		t.Fatal(err)
	}
	defer drop()
	parsed, _ := url.Parse(u)
	p := &proxy{addr: "127.0.0.1:0", target: parsed.Host}
	p.start(t)
	defer p.cut()
	parsed.Host = p.addr
	db, err := store.Open(context.Background(), parsed.String(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	k := fixture.New(t, db.Client)
	k.Product(t, db.Client, "paspoort", k.ClusterA)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db, Log: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	query := func() (reply, time.Duration) {
		start := time.Now()
		r := call(t, srv.URL, "", `{ products { totalCount } channels { code } }`, nil)
		return r, time.Since(start)
	}
	ready := func() int {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if r, _ := query(); len(r.Errors) > 0 || ready() != 200 {
		t.Fatalf("before the outage: %+v", r.Errors)
	}

	// Load while the database goes away.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					query()
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	p.cut()
	time.Sleep(200 * time.Millisecond)
	if code := ready(); code != http.StatusServiceUnavailable {
		t.Errorf("readyz during the outage: %d, want 503", code)
	}
	r, took := query()
	if len(r.Errors) == 0 || r.code() != "SERVICE_UNAVAILABLE" || !strings.Contains(r.Errors[0].Message, "cannot be reached") {
		t.Errorf("a query during the outage: %+v", r.Errors)
	}
	if took > 5*time.Second {
		t.Errorf("a query during the outage took %s; it should fail fast", took)
	}
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz during the outage: %v %v", resp, err)
	}

	// The database comes back: no restart needed.
	p.start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, _ := query()
		if len(r.Errors) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after the database came back: %+v", r.Errors)
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if code := ready(); code != 200 {
		t.Errorf("readyz after the outage: %d", code)
	}
}

// TestGracefulShutdown: requests in flight when the server is told to stop
// still get their answer.
func TestGracefulShutdown(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(500 * time.Millisecond)
		_, _ = io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	ended := make(chan error, 1)
	go func() {
		ended <- server.Run(ctx, "127.0.0.1:0", slow, slog.New(slog.DiscardHandler), func(a net.Addr) { addr <- a })
	}()
	base := "http://" + (<-addr).String()
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	time.Sleep(100 * time.Millisecond) // the request is in flight
	cancel()
	r := <-got
	if r.err != nil || r.body != "done" {
		t.Errorf("the request in flight got %q, %v", r.body, r.err)
	}
	if err := <-ended; err != nil {
		t.Errorf("Run: %v", err)
	}
	if resp, err := http.Get(base + "/"); err == nil {
		resp.Body.Close()
		t.Error("after shutdown the server still answers")
	}
}
