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

// TestKnowledgeSection: the dashboard shows how many products have a current
// answer, the figure the API gives, in both languages.
func TestKnowledgeSection(t *testing.T) {
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

	want := api(t, db, `{ knowledge { products productsWithCurrentAnswer } }`)["knowledge"].(map[string]any)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/dashboard"), chromedp.WaitVisible(`#knowledge[data-ready="true"]`)); err != nil {
		t.Fatalf("loading the dashboard: %v", err)
	}
	read := func(name string) string {
		t.Helper()
		r, err := chromedp.Run(ctx, chromedp.AttributeValue(`#knowledge-current`, name))
		if err != nil {
			t.Fatalf("reading %s: %v", name, err)
		}
		return r.Value
	}
	if got, w := read("data-current"), fmt.Sprint(want["productsWithCurrentAnswer"]); got != w {
		t.Errorf("the page shows %s products with a current answer, the API %s", got, w)
	}
	if got, w := read("data-products"), fmt.Sprint(want["products"]); got != w {
		t.Errorf("the page counts %s products, the API %s", got, w)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#lang`, chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('h-knowledge').textContent.startsWith('One answer')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the section does not follow the language toggle: %v", err)
	}
}
