// Package servertest runs the catalogue's HTTP server for tests of the
// packages in front of it (the sign-in, the editor pages), so that their own
// test helpers need not import the server.
package servertest

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/signin/signintest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// WithSignIn runs the catalogue (cfg, with db and sign-in through p, logging to
// cfg.Log) until the test ends and returns its address. The listener comes first, because the
// redirect URL the provider is told must name its port.
func WithSignIn(t testing.TB, p *signintest.Provider, db *store.DB, now func() time.Time, cfg server.Config) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	cfg.DB = db
	sc := p.Config(db, base, now)
	// One log for both, as serve has it, so that a test reading the server's
	// log sees the sign-in's warnings too.
	sc.Log = cfg.Log
	s, err := signin.New(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SignIn = s
	srv.Config.Handler = server.Handler(cfg)
	srv.Start()
	t.Cleanup(srv.Close)
	return base
}
