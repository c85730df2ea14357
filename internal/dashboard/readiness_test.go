package dashboard_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gemeente-rotterdam/catalogus/internal/browsertest"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestReadinessSection: the dashboard shows, per cluster, the ready and the
// published products the API gives, and follows the language toggle.
func TestReadinessSection(t *testing.T) {
	browsertest.Chromium(t)
	db := storetest.Seeded(t, "sqlite", fixture.Seed)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()
	actx, cancel := chromedp.NewExecAllocator(context.Background(), browsertest.Options(t)...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	var want []string
	clusters := api(t, db, `{ readinessByCluster { organization { code } published ready } }`)["readinessByCluster"].([]any)
	for _, c := range clusters {
		m := c.(map[string]any)
		want = append(want, fmt.Sprintf("%v %v/%v", m["organization"].(map[string]any)["code"], m["ready"], m["published"]))
	}
	if len(want) < 5 {
		t.Fatalf("the seed has %d clusters with published products, want Rotterdam's 6 (or 5): %v", len(want), want)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/dashboard"), chromedp.WaitVisible(`#readiness[data-ready="true"]`)); err != nil {
		t.Fatalf("loading the dashboard: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#readiness-table tbody tr')].map(
		(r) => r.dataset.cluster + ' ' + r.dataset.ready + '/' + r.dataset.published)`))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the page shows %v, the API %v", got, want)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#lang`, chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('h-readiness').textContent.startsWith('Ready to go live')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the section does not follow the language toggle: %v", err)
	}
}
