package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/browsertest"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// api asks the GraphQL API directly, for the figures the page must show.
func api(t *testing.T, db *store.DB, query string) map[string]any {
	t.Helper()
	resp := graph.Execute(context.Background(), graph.NewResolver(db, ""), query, nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	var out map[string]any
	if err := json.Unmarshal(resp.Data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDashboardInABrowser drives the seeded dashboard in headless Chromium.
func TestDashboardInABrowser(t *testing.T) {
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

	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == "error" || e.Type == "warning" {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, "console: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				problems = append(problems, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}

	attr := func(sel, name string) string {
		t.Helper()
		r, err := chromedp.Run(ctx, chromedp.AttributeValue(sel, name))
		if err != nil {
			t.Fatalf("reading %s of %s: %v", name, sel, err)
		}
		return r.Value
	}
	ratioOf := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("headline ratio %q", s)
		}
		return f
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/dashboard"), chromedp.WaitVisible(`body[data-ready="true"]`)); err != nil {
		t.Fatalf("loading the dashboard: %v (%v)", err, problems)
	}
	want := api(t, db, `{ coverage { ratio } }`)["coverage"].(map[string]any)["ratio"].(float64)
	if got := ratioOf(attr(`#headline-ratio`, "data-ratio")); math.Abs(got-want) > 1e-9 {
		t.Errorf("headline ratio %v, the API says %v", got, want)
	}
	if count := attr(`#matrix-count`, "data-count"); count != "423" {
		t.Errorf("the matrix shows %s products, want 423", count)
	}

	checkSatisfaction(t, ctx, db, attr)

	// A cluster filter narrows the matrix to that cluster's products.
	inCluster := api(t, db, `{ products(owner: "dienstverlening") { totalCount } }`)["products"].(map[string]any)["totalCount"].(float64)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(() => { const s = document.getElementById('f-cluster'); s.value = 'dienstverlening'; s.dispatchEvent(new Event('change')); })()`)); err != nil {
		t.Fatal(err)
	}
	if count := attr(`#matrix-count`, "data-count"); count != strconv.Itoa(int(inCluster)) {
		t.Errorf("filtered on Dienstverlening the matrix shows %s products, want %v", count, inCluster)
	}

	// A product's details open, with its name.
	first, err := chromedp.Run(ctx, chromedp.Text(`#matrix button[data-product]`, chromedp.NodeVisible))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#matrix button[data-product]`, chromedp.NodeVisible), chromedp.WaitVisible(`#details`)); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(`#h-details`))
	if err != nil || title == "" || title != first {
		t.Errorf("details show %q (%v), clicked %q", title, err, first)
	}

	// The date picker shows the figures of that moment.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(() => { const i = document.getElementById('at'); i.value = '2024-06-30'; i.dispatchEvent(new Event('change')); })()`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('headline-ratio').dataset.asof.startsWith('2024-06-30')`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("changing the date: %v (as of %q)", err, attr(`#headline-ratio`, "data-asof"))
	}
	// Days left: the API's count at the moment the page shows.
	asOf := attr(`#headline-ratio`, "data-asof")
	daysLeft := api(t, db, `{ coverage(at: "`+asOf+`") { target { daysLeft } } }`)["coverage"].(map[string]any)["target"].(map[string]any)["daysLeft"].(float64)
	if got := attr(`#headline-days`, "data-days"); got != strconv.Itoa(int(daysLeft)) {
		t.Errorf("as of %s the page counts %s days left, the API %v", asOf, got, daysLeft)
	}
	past := api(t, db, `{ coverage(at: "2024-06-30T23:59:59+01:00") { ratio } }`)["coverage"].(map[string]any)["ratio"].(float64)
	if got := ratioOf(attr(`#headline-ratio`, "data-ratio")); math.Abs(got-past) > 1e-9 || math.Abs(past-want) < 1e-9 {
		t.Errorf("on 2024-06-30 the headline says %v, the API %v (now %v)", got, past, want)
	}

	// The English toggle translates the page, and back.
	if err := chromedp.Do(ctx, chromedp.Click(`#lang`, chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if h1, err := chromedp.Run(ctx, chromedp.Text(`h1`)); err != nil || h1 != "Service coverage" {
		t.Errorf("after the English toggle the title reads %q (%v)", h1, err)
	}
	if h2, err := chromedp.Run(ctx, chromedp.Text(`#h-satisfaction`)); err != nil || h2 != "Satisfaction and channel use" {
		t.Errorf("after the English toggle the satisfaction section reads %q (%v)", h2, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#lang`, chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}

	// At 320 pixels wide only the tables scroll sideways, not the page.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800)); err != nil {
		t.Fatal(err)
	}
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > 330`)); err != nil || wide {
		culprits, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('body *')]
			.filter((e) => e.getBoundingClientRect().right > 330 && !e.closest('.matrix-wrap'))
			.slice(0, 8).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`))
		t.Errorf("at 320 px the page is wider than the screen (%v): %v", err, culprits)
	}

	if path := os.Getenv("CATALOGUS_SCREENSHOT"); path != "" {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(1280, 1000),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(() => { const i = document.getElementById('at'); i.value = ''; i.dispatchEvent(new Event('change'));
					const s = document.getElementById('f-cluster'); s.value = ''; s.dispatchEvent(new Event('change'));
					document.getElementById('details').hidden = true; window.scrollTo(0, 0); })()`))
				return err
			}),
			chromedp.Sleep(2*time.Second),
		)
		if err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the browser reported:\n%s", strings.Join(problems, "\n"))
	}
}

// checkSatisfaction holds the satisfaction section to the API: each
// indicator's current share and whether it is on track, the channels with an
// NPS, the last digital take-up, and the channel openings marked on a
// product's volume chart, also after choosing another product.
func checkSatisfaction(t *testing.T, ctx context.Context, db *store.DB, attr func(sel, name string) string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#satisfaction[data-ready="true"]`)); err != nil {
		t.Fatalf("the satisfaction section did not load: %v", err)
	}
	rep := api(t, db, `{ satisfaction(from: "2022-01-01", interval: QUARTER) { progress { indicator currentShare onTrack } }
		channelShift(from: "2022-01-01", interval: MONTH) { points { digitalTakeUp } } }`)
	for _, p := range rep["satisfaction"].(map[string]any)["progress"].([]any) {
		p := p.(map[string]any)
		sel := fmt.Sprintf(`figure[data-indicator=%q]`, p["indicator"])
		if got, want := attr(sel, "data-current"), strconv.FormatFloat(p["currentShare"].(float64), 'g', -1, 64); !sameFloat(got, want) {
			t.Errorf("%s: the page shows %s dissatisfied now, the API %s", p["indicator"], got, want)
		}
		if got := attr(sel, "data-ontrack"); got != fmt.Sprint(p["onTrack"]) {
			t.Errorf("%s: on track %s on the page, %v in the API", p["indicator"], got, p["onTrack"])
		}
	}
	// The current month has no figures yet: the chart ends at the last month that has.
	var last float64
	for _, p := range rep["channelShift"].(map[string]any)["points"].([]any) {
		if v, ok := p.(map[string]any)["digitalTakeUp"].(float64); ok {
			last = v
		}
	}
	if got := attr(`#sat-takeup`, "data-last"); !sameFloat(got, strconv.FormatFloat(last, 'g', -1, 64)) {
		t.Errorf("digital take-up: the page ends at %s, the API at %v", got, last)
	}
	now := time.Now().UTC()
	recent := time.Date(now.Year()-1, now.Month(), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	nps := api(t, db, `{ satisfaction(from: "`+recent+`", interval: MONTH) { byChannel { nps { respondents } } } }`)
	withNPS := 0
	for _, c := range nps["satisfaction"].(map[string]any)["byChannel"].([]any) {
		if c.(map[string]any)["nps"].(map[string]any)["respondents"].(float64) > 0 {
			withNPS++
		}
	}
	if got := attr(`#sat-nps`, "data-channels"); got != strconv.Itoa(withNPS) || withNPS == 0 {
		t.Errorf("NPS for %s channels on the page, %d in the API", got, withNPS)
	}
	openings := func(slug string) string {
		o := api(t, db, `{ channelShift(from: "2022-01-01", interval: MONTH, product: "`+slug+`") { openings { date } } }`)
		return strconv.Itoa(len(o["channelShift"].(map[string]any)["openings"].([]any)))
	}
	if got, want := attr(`#sat-product-chart`, "data-openings"), openings("verhuizing-doorgeven"); got != want || want == "0" {
		t.Errorf("the chart of verhuizing-doorgeven marks %s channel openings, the API has %s", got, want)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(() => { const s = document.getElementById('sat-product'); s.value = 'parkeervergunning-aanvragen'; s.dispatchEvent(new Event('change')); })()`)); err != nil {
		t.Fatal(err)
	}
	want := openings("parkeervergunning-aanvragen")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('satisfaction').dataset.ready === 'true' && document.getElementById('sat-product-chart').dataset.openings === '`+want+`'`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Errorf("after choosing another product the chart marks %s openings, the API has %s (%v)", attr(`#sat-product-chart`, "data-openings"), want, err)
	}
}

// sameFloat compares two decimal strings as numbers.
func sameFloat(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && math.Abs(x-y) < 1e-12
}
