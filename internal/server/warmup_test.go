package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// records is a log that hands each record to the test as it is written.
type records chan slog.Record

func (r records) Enabled(context.Context, slog.Level) bool { return true }
func (r records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r records) WithGroup(string) slog.Handler            { return r }
func (r records) Handle(_ context.Context, rec slog.Record) error {
	select {
	case r <- rec.Clone():
	default: // nobody is waiting for this one
	}
	return nil
}

// TestWarmUpCountsTheCountry: a handler made with WarmUp counts the
// country's coverage by itself, before anyone asks, and its figures are the
// ones countryCoverage then reports.
func TestWarmUpCountsTheCountry(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			db := storetest.Seeded(t, d, fixture.Seed)
			log := make(records, 16)
			h := server.Handler(server.Config{DB: db, WarmUp: true, Log: slog.New(log)})
			attrs := map[string]int64{}
			for counted := false; !counted; {
				select {
				case rec := <-log:
					counted = rec.Message == "counted the country's coverage"
					rec.Attrs(func(a slog.Attr) bool {
						if a.Value.Kind() == slog.KindInt64 {
							attrs[a.Key] = a.Value.Int64()
						}
						return true
					})
				case <-time.After(time.Minute):
					t.Fatal("no warm-up within a minute")
				}
			}
			var got struct {
				Data struct {
					CountryCoverage struct{ ApplicableCells int64 }
				}
			}
			if err := json.Unmarshal(post(t, h, "", `{ countryCoverage { applicableCells } }`, nil), &got); err != nil {
				t.Fatal(err)
			}
			if n := got.Data.CountryCoverage.ApplicableCells; n == 0 || attrs["municipalities"] != 1 || attrs["cells"] != n {
				t.Errorf("the warm-up counted %v; countryCoverage counts %d applicable cells in one municipality", attrs, n)
			}
		})
	}
}
