package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// lockedBuffer is a log the warm-up's goroutine writes while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestWarmUpCountsTheCountry: a handler made with WarmUp counts the
// country's coverage by itself, before anyone asks, and its figures are the
// ones countryCoverage then reports.
func TestWarmUpCountsTheCountry(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			db := storetest.Seeded(t, d, fixture.Seed)
			var log lockedBuffer
			h := server.Handler(server.Config{DB: db, WarmUp: true, Log: slog.New(slog.NewTextHandler(&log, nil))})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			for !strings.Contains(log.String(), "counted the country's coverage") {
				if ctx.Err() != nil {
					t.Fatalf("no warm-up within a minute; log:\n%s", log.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			var got struct {
				Data struct {
					CountryCoverage struct{ ApplicableCells int }
				}
			}
			body := post(t, h, "", `{ countryCoverage { applicableCells } }`, nil)
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			line := log.String()
			if n := got.Data.CountryCoverage.ApplicableCells; n == 0 || !strings.Contains(line, "municipalities=1 ") ||
				!strings.Contains(line, " cells="+strconv.Itoa(n)+" ") {
				t.Errorf("warm-up logged %q; countryCoverage counts %d applicable cells in one municipality", line, n)
			}
		})
	}
}
