package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The WCAG success criteria Dutch government sites must meet (Besluit
// digitale toegankelijkheid overheid: WCAG 2.1 level AA), as axe-core tags
// its rules.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// Axe returns axe-core's script, installed by `npm ci` in .ci/axe (pinned by
// its package-lock.json; .ci/run installs it) or named by CATALOGUS_AXE_CORE.
// Without it the test skips, except in CI (CI set), where it fails: an
// accessibility check that silently did not run must not pass.
func Axe(t testing.TB) string {
	t.Helper()
	axeOnce.Do(func() {
		path := os.Getenv("CATALOGUS_AXE_CORE")
		if path == "" {
			dir, err := os.Getwd()
			for err == nil {
				if _, e := os.Stat(filepath.Join(dir, "go.mod")); e == nil {
					break
				}
				parent := filepath.Dir(dir)
				if parent == dir {
					err = os.ErrNotExist
				}
				dir = parent
			}
			if err != nil {
				axeErr = fmt.Errorf("no go.mod above the test's directory")
				return
			}
			path = filepath.Join(dir, ".ci", "axe", "node_modules", "axe-core", "axe.min.js")
		}
		b, err := os.ReadFile(path)
		axeSource, axeErr = string(b), err
	})
	if axeErr != nil {
		msg := fmt.Sprintf("accessibility checks need axe-core: run `npm ci` in .ci/axe or set CATALOGUS_AXE_CORE (%v)", axeErr)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return axeSource
}

// stepTimeout bounds one check: axe-core over a page takes a second or two
// on a quiet machine and tens of seconds on a busy one. The ctx a check is
// given must have started its browser already (a check's own deadline would
// otherwise close the browser when it ends).
const stepTimeout = 2 * time.Minute

// violation is what the test reports of one axe-core finding.
type violation struct {
	ID, Impact, Help string
	Nodes            []struct {
		Target  []any
		Summary string `json:"failureSummary"`
	}
}

// CheckAccessibility runs axe-core's WCAG 2.1 A and AA rules over the page as
// it is now (injecting axe-core first where the page has none) and reports
// every violation as a test error naming the page, the rule and the
// elements.
func CheckAccessibility(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	// A bound for this check alone, not for the test that runs many.
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	src := Axe(t)
	if present, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`)); err != nil {
		t.Fatalf("%s: %v", page, err)
	} else if !present {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](src+"\n;0")); err != nil {
			t.Fatalf("%s: injecting axe-core: %v", page, err)
		}
	}
	tags, _ := json.Marshal(wcagTags)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag', values: `+string(tags)+`}, resultTypes: ['violations']})
		.then((r) => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", page, err)
	}
	var found []violation
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		t.Fatalf("%s: axe-core's answer: %v", page, err)
	}
	for _, v := range found {
		var where []string
		for i, n := range v.Nodes {
			if i == 5 {
				where = append(where, fmt.Sprintf("… and %d more", len(v.Nodes)-5))
				break
			}
			where = append(where, fmt.Sprintf("%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " ")))
		}
		t.Errorf("%s: axe-core %s (%s): %s\n    %s", page, v.ID, v.Impact, v.Help, strings.Join(where, "\n    "))
	}
}

// CheckSmallScreen holds the page, as the browser now lays it out, to what a
// phone needs: nothing wider than the window (except what lies in a box of
// its own that scrolls sideways, such as a wide table or chart), no visible
// text smaller than 12 CSS pixels (in drawings as drawn), and headings whose
// sizes keep their order (an h2 no larger than the h1, an h3 no larger than
// an h2).
func CheckSmallScreen(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	var r struct {
		Window, Page int
		Wide, Small  []string
		Headings     []struct {
			Level int
			Size  float64
			Text  string
		}
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const visible = (e) => { const s = getComputedStyle(e); const b = e.getBoundingClientRect();
			return s.display !== 'none' && s.visibility !== 'hidden' && b.width > 0 && b.height > 0 && !e.closest('[hidden]'); };
		const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
		const w = document.documentElement.clientWidth;
		// What lies inside a box that scrolls (or clips) sideways and itself
		// fits does not widen the page.
		const clipped = (e) => { for (let a = e.parentElement || e.parentNode; a && a !== document.body; a = a.parentElement) {
			if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= w + 0.5) return true; } return false; };
		const wide = [...document.querySelectorAll('body *')].filter((e) => visible(e) && e.getBoundingClientRect().right > w + 0.5 && !clipped(e))
			.map((e) => name(e) + ' ends at ' + Math.round(e.getBoundingClientRect().right) + ' px');
		const small = [];
		const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const e = n.parentElement;
			if (!n.textContent.trim() || !e || !visible(e) || e.closest('[aria-hidden="true"]')) continue;
			// Text in a drawing is as large as the drawing is scaled.
			const size = parseFloat(getComputedStyle(e).fontSize) * (e instanceof SVGElement && e.getScreenCTM() ? e.getScreenCTM().a : 1);
			if (size < 12) small.push(name(e) + ' "' + n.textContent.trim().slice(0, 30) + '" at ' + size.toFixed(1) + ' px');
			// Text can run out of a box that fits (a long word in a large
			// heading): measure the text itself.
			const range = document.createRange();
			range.selectNodeContents(n);
			const right = range.getBoundingClientRect().right;
			if (right > w + 0.5 && !clipped(n)) wide.push('the text "' + n.textContent.trim().slice(0, 30) + '" in ' + name(e) + ' ends at ' + Math.round(right) + ' px');
		}
		const headings = [...document.querySelectorAll('h1, h2, h3, h4')].filter(visible)
			.map((h) => ({ level: +h.tagName[1], size: parseFloat(getComputedStyle(h).fontSize), text: h.textContent.trim().slice(0, 40) }));
		return JSON.stringify({ window: w, page: document.documentElement.scrollWidth, wide: wide.slice(0, 8), small: small.slice(0, 8), headings });
	})()`))
	if err != nil {
		t.Fatalf("%s: measuring the layout: %v", page, err)
	}
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		t.Fatal(err)
	}
	if r.Page > r.Window || len(r.Wide) > 0 {
		t.Errorf("%s: at %d px the page is %d px wide: %v", page, r.Window, r.Page, r.Wide)
	}
	if len(r.Small) > 0 {
		t.Errorf("%s: text under 12 px: %v", page, r.Small)
	}
	largest := map[int]float64{}
	for _, h := range r.Headings {
		largest[h.Level] = max(largest[h.Level], h.Size)
	}
	for _, h := range r.Headings {
		for above := 1; above < h.Level; above++ {
			if s, ok := largest[above]; ok && h.Size > s {
				t.Errorf("%s: h%d %q is %.0f px, larger than the h%d (%.0f px)", page, h.Level, h.Text, h.Size, above, s)
			}
		}
	}
}
