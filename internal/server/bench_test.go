package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// The hot paths, through the whole HTTP handler (no network), on each
// database with the seed:
//
//	go test -run '^$' -bench . -benchmem ./internal/server
//
// The figures are the execution path's; catalogus loadtest measures a
// running server under concurrency.
const (
	benchProduct = `query($slug: String!) { product(slug: $slug) { slug name summary description theme
		availabilities { status plannedDate reason url phone instructions processingTime costCents
			channel { code name } locations { code name street postalCode city } } } }`
	benchPage = `{ products(first: 50) { edges { node { slug name summary
		availabilities { status url phone channel { code } } } } pageInfo { endCursor hasNextPage } } }`
	benchCoverage = `{ coverage { ratio availableCells applicableCells
		byChannel { channel { code } ratio } byOrganization { organization { code } ratio } projection { onTrack } } }`
	benchHistory = `{ coverageHistory(from: "2023-01-01T00:00:00+01:00", to: "2027-01-01T00:00:00+01:00") { at ratio } }`
)

func post(b testing.TB, h http.Handler, token, query string, vars map[string]any) []byte {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
		b.Fatalf("%d %.300s", rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes()
}

func BenchmarkReads(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			benchReads(b, server.Handler(server.Config{DB: storetest.Seeded(b, d, fixture.Seed)}))
		})
	}
}

// benchReads measures the anonymous reads of a website and a dashboard, one
// at a time, through h.
func benchReads(b *testing.B, h http.Handler) {
	for _, bc := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"product-by-slug", benchProduct, map[string]any{"slug": "paspoort-aanvragen"}},
		{"page-of-50", benchPage, nil},
		{"coverage", benchCoverage, nil},
		{"history-48-months", benchHistory, nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				post(b, h, "", bc.query, bc.vars)
			}
		})
	}
}

// BenchmarkSetAvailability measures one edit: a product's cell changes (its
// instructions), with the version check, the rules and the change log.
func BenchmarkSetAvailability(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			db := storetest.Open(b, d)
			ctx := context.Background()
			if err := fixture.Seed(ctx, db); err != nil {
				b.Fatal(err)
			}
			token, err := auth.Tokens{Client: db.Client}.Create(ctx, "bench", auth.Admin, "")
			if err != nil {
				b.Fatal(err)
			}
			edit := editor(b, server.Handler(server.Config{DB: db}), token)
			b.ReportAllocs()
			for b.Loop() {
				edit()
			}
		})
	}
}

// editor returns a function that changes one cell's instructions through the
// API, each time to a new text.
func editor(b *testing.B, h http.Handler, token string) func() {
	var p struct {
		Data struct{ Product struct{ Version int } }
	}
	if err := json.Unmarshal(post(b, h, "", `{ product(slug: "paspoort-aanvragen") { version } }`, nil), &p); err != nil {
		b.Fatal(err)
	}
	version, i := p.Data.Product.Version, 0
	const m = `mutation($in: SetAvailabilityInput!) { setAvailability(input: $in) { version } }`
	return func() {
		i++
		in := map[string]any{"product": "paspoort-aanvragen", "expectedVersion": version, "channel": "website",
			"status": "PARTIAL", "url": "https://www.example.nl/paspoort", "instructions": fmt.Sprintf("Stap %d", i)}
		var out struct {
			Data struct{ SetAvailability struct{ Version int } }
		}
		if err := json.Unmarshal(post(b, h, token, m, map[string]any{"in": in}), &out); err != nil {
			b.Fatal(err)
		}
		version = out.Data.SetAvailability.Version
	}
}
