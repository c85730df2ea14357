package dashboard_test

import (
	"context"
	"fmt"
	"html"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gemeente-rotterdam/catalogus/internal/browsertest"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestDashboardIsAccessible runs axe-core's WCAG 2.1 A and AA rules over the
// seeded dashboard in both languages with a product's details open, at
// 1280 px and at 360 × 800 (where the page must also fit the screen, keep
// its text at 12 px or more and its headings in order of size), and over
// GraphiQL's page.
func TestDashboardIsAccessible(t *testing.T) {
	browsertest.Chromium(t)
	browsertest.Axe(t)
	db := storetest.Seeded(t, "sqlite", fixture.Seed)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()

	actx, cancel := chromedp.NewExecAllocator(context.Background(), browsertest.Options(t)...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The browser starts on ctx, which has no deadline: each step has its
	// own (do, and the checks of package browsertest), and go test's
	// -timeout bounds the rest. A deadline for the whole test would fail it
	// on a busy machine however healthy the page (the editor's such test
	// ran out of its three minutes at a load of 20).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	do("loading the dashboard", chromedp.Navigate(srv.URL+"/dashboard"), chromedp.WaitVisible(`body[data-ready="true"]`),
		chromedp.WaitVisible(`#satisfaction[data-ready="true"]`),
		chromedp.Click(`#matrix button[data-product]`, chromedp.NodeVisible), chromedp.WaitVisible(`#details`))
	for _, lang := range []string{"nl", "en"} {
		if lang == "en" {
			do("switching to English", chromedp.Click(`#lang`, chromedp.NodeVisible))
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.documentElement.lang === 'en'`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
				t.Fatalf("the page did not switch to English: %v", err)
			}
			// The legend's letters come from the English names too.
			legend, err := chromedp.Run(ctx, chromedp.Text(`#legend`))
			if err != nil || !strings.Contains(legend, "A available") || !strings.Contains(legend, "Pl planned") || strings.Contains(legend, "B available") {
				t.Errorf("the English legend reads %q (%v)", legend, err)
			}
		}
		do("a wide window", chromedp.EmulateViewport(1280, 1000))
		browsertest.CheckSmallScreen(t, ctx, "dashboard ("+lang+", 1280 px)")
		browsertest.CheckAccessibility(t, ctx, "dashboard ("+lang+", 1280 px)")
		do("a phone", chromedp.EmulateViewport(360, 800))
		// CATALOGUS_PHONE_SCREENSHOT=$PWD/docs/dashboard-phone.png takes the
		// README's picture of the dashboard on a phone (its first screen).
		if path := os.Getenv("CATALOGUS_PHONE_SCREENSHOT"); path != "" && lang == "nl" {
			do("scrolling to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
			shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		browsertest.CheckSmallScreen(t, ctx, "dashboard ("+lang+", 360 px)")
		browsertest.CheckAccessibility(t, ctx, "dashboard ("+lang+", 360 px)")
	}

	// The accessibility statement, reached from the footer.
	do("following the footer's link to the accessibility statement", chromedp.EmulateViewport(1280, 1000),
		chromedp.Click(`#accessibility-link`, chromedp.NodeVisible), chromedp.WaitVisible(`main.statement h1`))
	for _, w := range []struct{ width, height int64 }{{1280, 1000}, {360, 800}} {
		do("resizing", chromedp.EmulateViewport(w.width, w.height))
		page := fmt.Sprintf("accessibility statement (%d px)", w.width)
		browsertest.CheckSmallScreen(t, ctx, page)
		browsertest.CheckAccessibility(t, ctx, page)
	}
}

// TestStatementMatchesTheDocs holds the served accessibility statement to
// docs/accessibility.md: every heading, paragraph and list item of the page
// is in the document, word for word.
func TestStatementMatchesTheDocs(t *testing.T) {
	page, err := os.ReadFile("assets/toegankelijkheid.html")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/accessibility.md")
	if err != nil {
		t.Fatal(err)
	}
	space := regexp.MustCompile(`\s+`)
	text := space.ReplaceAllString(string(doc), " ")
	main := string(page)[strings.Index(string(page), "<main"):strings.Index(string(page), "</main>")]
	n := 0
	for _, m := range regexp.MustCompile(`(?s)<(h1|h2|p|li)[^>]*>(.*?)</(?:h1|h2|p|li)>`).FindAllStringSubmatch(main, -1) {
		line := strings.TrimSpace(space.ReplaceAllString(html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[2], "")), " "))
		if strings.HasPrefix(line, "Naar het dashboard") {
			continue
		}
		n++
		if !strings.Contains(text, line) {
			t.Errorf("docs/accessibility.md lacks the page's %s %q", m[1], line)
		}
	}
	if n < 10 {
		t.Errorf("only %d parts of the statement read from the page", n)
	}
}

// TestGraphiQLIsAccessible runs axe-core's WCAG 2.1 A and AA rules over
// GraphiQL's page (its build is vendored; our page.css and init.js make up
// for what it lacks), after a query has run, at 1280 px.
func TestGraphiQLIsAccessible(t *testing.T) {
	browsertest.Chromium(t)
	browsertest.Axe(t)
	db := storetest.Open(t, "sqlite")
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()
	actx, cancel := chromedp.NewExecAllocator(context.Background(), browsertest.Options(t)...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`.graphiql-query-editor .CodeMirror`),
		chromedp.Click(`.graphiql-execute-button`, chromedp.NodeVisible), chromedp.WaitVisible(`.graphiql-response .cm-property`)); err != nil {
		t.Fatalf("loading GraphiQL and running its query: %v", err)
	}
	browsertest.CheckAccessibility(t, ctx, "GraphiQL (1280 px)")
}
