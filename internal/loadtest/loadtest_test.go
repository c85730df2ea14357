package loadtest_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/loadtest"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestRunAgainstServer runs a short load on a seeded server: every kind of
// request is made and answered, each acknowledged write is one transaction
// in the change log, and the server's memory is read from its metrics.
func TestRunAgainstServer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := fixture.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		token, err := auth.Tokens{Client: db.Client}.Create(ctx, "load", auth.Admin, "")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
		defer srv.Close()

		var progressed bool
		res, err := loadtest.Run(ctx, loadtest.Options{
			URL: srv.URL, Concurrency: 4, Duration: 3 * time.Second, Coverage: 0.2, Writes: 0.2, Token: token, Seed: 7,
			ProgressEvery: time.Second, Progress: func(time.Duration, int, int, float64) { progressed = true },
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total.Errors > 0 {
			t.Errorf("%d errors, e.g. %v", res.Total.Errors, res.SampleErrors)
		}
		if len(res.ByKind) != 4 {
			t.Errorf("made %d kinds of request, want 4: %+v", len(res.ByKind), res.ByKind)
		}
		for _, f := range res.ByKind {
			if f.Requests == 0 || f.P50 <= 0 || f.P50 > f.P99 || f.P99 > f.Max {
				t.Errorf("%s: implausible figures %+v", f.Kind, f)
			}
		}
		if res.Acknowledged == 0 || !progressed || len(res.RSSOverTime) == 0 || res.RSSStart <= 0 || res.RSSPeak < res.RSSStart {
			t.Errorf("acknowledged %d, progress %v, RSS %v/%v/%v", res.Acknowledged, progressed, res.RSSStart, res.RSSPeak, res.RSSEnd)
		}
		txs, err := db.Client.ChangeEvent.Query().Where(changeevent.Actor("token:load")).
			GroupBy(changeevent.FieldTxID).Strings(privacy.DecisionContext(ctx, privacy.Allow))
		if err != nil {
			t.Fatal(err)
		}
		if len(txs) != res.Acknowledged {
			t.Errorf("%d writes acknowledged, %d change-log transactions", res.Acknowledged, len(txs))
		}
	})
}

func TestOptionsAreBounded(t *testing.T) {
	ok := loadtest.Options{URL: "http://127.0.0.1:8080", Concurrency: 16, Duration: time.Minute, Coverage: 0.15, Writes: 0.05}
	if err := ok.Check(); err != nil {
		t.Fatalf("valid options refused: %v", err)
	}
	for _, tc := range []struct {
		change func(*loadtest.Options)
		want   string
	}{
		{func(o *loadtest.Options) { o.URL = "https://www.rotterdam.nl" }, "only drives a server on this machine"},
		{func(o *loadtest.Options) { o.URL = "http://10.0.0.1:8080" }, "only drives a server on this machine"},
		{func(o *loadtest.Options) { o.URL = "127.0.0.1:8080" }, "base URL"},
		{func(o *loadtest.Options) { o.Concurrency = 0 }, "--concurrency 0"},
		{func(o *loadtest.Options) { o.Concurrency = 5000 }, "--concurrency 5000"},
		{func(o *loadtest.Options) { o.Duration = 2 * time.Hour }, "--duration 2h0m0s"},
		{func(o *loadtest.Options) { o.Writes = 0.9 }, "add up to at most 1"},
	} {
		o := ok
		tc.change(&o)
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", o, err, tc.want)
		}
	}
	o := ok
	if _, err := loadtest.Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "API token") {
		t.Errorf("writes without a token: %v", err)
	}
}
