// Package loadtest drives a running Catalogus server over HTTP with the mix of
// requests its users make — websites reading products, dashboards reading
// coverage, product owners editing — at a fixed concurrency for a fixed time,
// and measures throughput, latency, errors and the server's memory.
//
// It only talks to a server on the loopback interface: it is a measurement
// of one machine, not a tool to load someone else's service.
package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits keep a run bounded.
const (
	MaxConcurrency = 1024
	MaxDuration    = time.Hour
)

// Options describe a run.
type Options struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8080.
	URL         string
	Concurrency int
	Duration    time.Duration
	// Coverage and Writes are the shares of coverage queries and of
	// mutations; the rest are product reads, three by slug to one page of 50.
	Coverage, Writes float64
	// Token authorizes the writes; required when Writes > 0.
	Token string
	// Seed makes the sequence of requests repeatable.
	Seed uint64
	// Progress, when set, is called every ProgressEvery with the figures so
	// far and the server's resident memory (0 when unknown).
	Progress      func(elapsed time.Duration, requests, errors int, rss float64)
	ProgressEvery time.Duration
}

// Kinds of request.
const (
	KindProduct  = "product by slug"
	KindPage     = "page of 50 products"
	KindCoverage = "coverage"
	KindWrite    = "setAvailability"
)

var kinds = []string{KindProduct, KindPage, KindCoverage, KindWrite}

// Figures are the results for one kind of request, or for all.
type Figures struct {
	Kind     string
	Requests int
	// Errors are failed requests: a transport error, an HTTP status other
	// than 200, or a GraphQL error other than a write conflict.
	Errors int
	// Conflicts are writes refused because another writer changed the
	// product first (CONFLICT): a correct answer that changed nothing.
	Conflicts     int
	PerSecond     float64
	P50, P95, P99 time.Duration
	Max           time.Duration
}

// Result is the outcome of a run.
type Result struct {
	Started  time.Time
	Duration time.Duration
	Total    Figures
	ByKind   []Figures
	// Acknowledged counts the writes the server confirmed; each changes a
	// product's availability, so each should be one change-log transaction.
	Acknowledged int
	// The server's resident memory, from its /metrics, at the start, its
	// highest sample (once a second) and at the end; 0 when not reported.
	RSSStart, RSSPeak, RSSEnd float64
	// RSSOverTime is the server's memory at every ProgressEvery: flat when
	// nothing leaks.
	RSSOverTime []float64
	// SampleErrors are the first few error messages.
	SampleErrors []string
}

// Check validates the options, except the token, which Run needs only for writes.
func (o Options) Check() error {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q: give the server's base URL, e.g. http://127.0.0.1:8080", o.URL)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--url %q: the load test only drives a server on this machine (localhost, 127.0.0.1 or ::1)", o.URL)
	}
	switch {
	case o.Concurrency < 1 || o.Concurrency > MaxConcurrency:
		return fmt.Errorf("--concurrency %d: use 1 to %d", o.Concurrency, MaxConcurrency)
	case o.Duration <= 0 || o.Duration > MaxDuration:
		return fmt.Errorf("--duration %s: use more than 0 and at most %s", o.Duration, MaxDuration)
	case o.Coverage < 0 || o.Writes < 0 || o.Coverage+o.Writes > 1:
		return fmt.Errorf("--coverage %g and --writes %g: shares from 0 to 1 that add up to at most 1", o.Coverage, o.Writes)
	}
	return nil
}

// Run drives the server and returns the figures. It stops early when ctx
// ends; requests in flight at the end of the duration complete and count.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if o.Writes > 0 && o.Token == "" {
		return nil, errors.New("writes need an API token with the right to edit the products")
	}
	base := strings.TrimRight(o.URL, "/")
	c := &client{
		endpoint: base + "/graphql",
		metrics:  base + "/metrics",
		token:    o.Token,
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			// One kept-alive connection per worker: the client must not
			// measure its own reconnects.
			MaxIdleConns: o.Concurrency, MaxIdleConnsPerHost: o.Concurrency, IdleConnTimeout: time.Minute,
		}},
	}
	defer c.http.CloseIdleConnections()
	cat, err := c.catalogue(ctx)
	if err != nil {
		return nil, err
	}

	res := &Result{Started: time.Now()}
	res.RSSStart, _ = c.rss(ctx)
	deadline := res.Started.Add(o.Duration)

	var mu sync.Mutex
	var requests, failures int
	workers := make([]*worker, o.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{c: c, cat: cat, o: &o, r: rand.New(rand.NewPCG(o.Seed, uint64(i))), lat: map[string][]time.Duration{}, figs: map[string]*Figures{},
			first: kinds[i%len(kinds)]}
		workers[i] = w
		wg.Go(func() {
			w.run(ctx, deadline, func(failed bool) {
				mu.Lock()
				requests++
				if failed {
					failures++
				}
				mu.Unlock()
			})
		})
	}

	// Sample the server's memory and report progress until the workers stop.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	every := o.ProgressEvery
	if every <= 0 {
		every = 10 * time.Second
	}
	sample, report := time.NewTicker(time.Second), time.NewTicker(every)
	defer sample.Stop()
	defer report.Stop()
	res.RSSPeak = res.RSSStart
	var last float64
loop:
	for {
		select {
		case <-done:
			break loop
		case <-sample.C:
			if v, err := c.rss(ctx); err == nil {
				last = v
				res.RSSPeak = max(res.RSSPeak, v)
			}
		case <-report.C:
			res.RSSOverTime = append(res.RSSOverTime, last)
			if o.Progress != nil {
				mu.Lock()
				n, f := requests, failures
				mu.Unlock()
				o.Progress(time.Since(res.Started), n, f, last)
			}
		}
	}
	res.Duration = time.Since(res.Started)
	res.RSSEnd, _ = c.rss(ctx)
	if res.RSSEnd > res.RSSPeak {
		res.RSSPeak = res.RSSEnd
	}
	res.summarize(workers)
	return res, nil
}

func (res *Result) summarize(workers []*worker) {
	all := map[string][]time.Duration{}
	var total []time.Duration
	res.Total.Kind = "all"
	for _, k := range kinds {
		f := Figures{Kind: k}
		for _, w := range workers {
			all[k] = append(all[k], w.lat[k]...)
			if wf := w.figs[k]; wf != nil {
				f.Requests += wf.Requests
				f.Errors += wf.Errors
				f.Conflicts += wf.Conflicts
			}
		}
		if f.Requests == 0 {
			continue
		}
		total = append(total, all[k]...)
		f.fill(all[k], res.Duration)
		res.ByKind = append(res.ByKind, f)
		res.Total.Requests += f.Requests
		res.Total.Errors += f.Errors
		res.Total.Conflicts += f.Conflicts
	}
	res.Total.fill(total, res.Duration)
	for _, w := range workers {
		res.Acknowledged += w.acknowledged
		for _, e := range w.errors {
			if len(res.SampleErrors) < 5 && !slices.Contains(res.SampleErrors, e) {
				res.SampleErrors = append(res.SampleErrors, e)
			}
		}
	}
}

func (f *Figures) fill(lat []time.Duration, d time.Duration) {
	if d > 0 {
		f.PerSecond = float64(f.Requests) / d.Seconds()
	}
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	f.P50, f.P95, f.P99, f.Max = at(0.50), at(0.95), at(0.99), lat[len(lat)-1]
}

// catalogue is what the workers pick from: the products and the cursors of
// the pages of 50.
type catalogue struct {
	slugs   []string
	cursors []string // "" is the first page
}

const (
	pageQuery = `query Page($after: Cursor) {
  products(first: 50, after: $after) {
    edges { node { slug name summary theme availabilities { status url phone channel { code name } } } }
    pageInfo { endCursor hasNextPage }
  }
}`
	productQuery = `query Product($slug: String!) {
  product(slug: $slug) {
    slug name summary description theme version
    availabilities {
      status plannedDate reason url phone instructions processingTime costCents costCurrency identification languages
      channel { code name } locations { code name street postalCode city }
    }
  }
}`
	coverageQuery = `query Coverage {
  coverage {
    ratio availableCells applicableCells
    byChannel { channel { code } ratio }
    byOrganization { organization { code } ratio }
    projection { onTrack pacePerWeek cellsToGo }
  }
}`
	writeMutation = `mutation Write($input: SetAvailabilityInput!) {
  setAvailability(input: $input) { version }
}`
)

// catalogue pages through the products once, before the clock starts.
func (c *client) catalogue(ctx context.Context) (*catalogue, error) {
	cat := &catalogue{}
	after := ""
	for {
		cat.cursors = append(cat.cursors, after)
		vars := map[string]any{}
		if after != "" {
			vars["after"] = after
		}
		var data struct {
			Products struct {
				Edges []struct {
					Node struct{ Slug string }
				}
				PageInfo struct {
					EndCursor   string
					HasNextPage bool
				}
			}
		}
		if _, err := c.do(ctx, pageQuery, vars, &data); err != nil {
			return nil, fmt.Errorf("reading the products from %s (is catalogus serve running there?): %w", c.endpoint, err)
		}
		for _, e := range data.Products.Edges {
			cat.slugs = append(cat.slugs, e.Node.Slug)
		}
		if !data.Products.PageInfo.HasNextPage {
			break
		}
		after = data.Products.PageInfo.EndCursor
	}
	if len(cat.slugs) == 0 {
		return nil, fmt.Errorf("%s has no published products to read; load some first (catalogus seed)", c.endpoint)
	}
	return cat, nil
}

type worker struct {
	c            *client
	cat          *catalogue
	o            *Options
	r            *rand.Rand
	lat          map[string][]time.Duration
	figs         map[string]*Figures
	acknowledged int
	errors       []string
	writes       int
	// first is the kind of the worker's first request: workers start with
	// different kinds, so that even a short run measures each.
	first string
}

// run makes requests until the deadline; one in flight then completes and
// counts.
func (w *worker) run(ctx context.Context, deadline time.Time, count func(failed bool)) {
	for ctx.Err() == nil && time.Now().Before(deadline) {
		kind := w.pick()
		start := time.Now()
		conflict, err := w.one(ctx, kind)
		elapsed := time.Since(start)
		if ctx.Err() != nil {
			return // the run was stopped: not a measurement
		}
		f := w.figs[kind]
		if f == nil {
			f = &Figures{Kind: kind}
			w.figs[kind] = f
		}
		f.Requests++
		w.lat[kind] = append(w.lat[kind], elapsed)
		switch {
		case err != nil:
			f.Errors++
			if len(w.errors) < 5 {
				w.errors = append(w.errors, kind+": "+err.Error())
			}
		case conflict:
			f.Conflicts++
		case kind == KindWrite:
			w.acknowledged++
		}
		count(err != nil)
	}
}

func (w *worker) pick() string {
	if k := w.first; k != "" && (k != KindWrite || w.o.Writes > 0) && (k != KindCoverage || w.o.Coverage > 0) {
		w.first = ""
		return k
	}
	w.first = ""
	x := w.r.Float64()
	switch {
	case x < w.o.Writes:
		return KindWrite
	case x < w.o.Writes+w.o.Coverage:
		return KindCoverage
	case w.r.IntN(4) == 0:
		return KindPage
	}
	return KindProduct
}

// one makes one request of the kind; a write reads the product first (not
// timed separately: an editor's save is read-then-write too).
func (w *worker) one(ctx context.Context, kind string) (conflict bool, err error) {
	switch kind {
	case KindPage:
		vars := map[string]any{}
		if after := w.cat.cursors[w.r.IntN(len(w.cat.cursors))]; after != "" {
			vars["after"] = after
		}
		_, err = w.c.do(ctx, pageQuery, vars, nil)
	case KindCoverage:
		_, err = w.c.do(ctx, coverageQuery, nil, nil)
	case KindProduct:
		_, err = w.c.do(ctx, productQuery, map[string]any{"slug": w.slug()}, nil)
	case KindWrite:
		return w.write(ctx)
	}
	return false, err
}

func (w *worker) slug() string { return w.cat.slugs[w.r.IntN(len(w.cat.slugs))] }

// write rewrites one assessed cell of a random product with new
// instructions: always a real change, valid whatever the cell's status.
func (w *worker) write(ctx context.Context) (bool, error) {
	slug := w.slug()
	var data struct {
		Product *struct {
			Version        int
			Availabilities []map[string]any
		}
	}
	if _, err := w.c.do(ctx, productQuery, map[string]any{"slug": slug}, &data); err != nil {
		return false, err
	}
	if data.Product == nil || len(data.Product.Availabilities) == 0 {
		return false, fmt.Errorf("product %s is gone or has no channels", slug)
	}
	cell := data.Product.Availabilities[w.r.IntN(len(data.Product.Availabilities))]
	input := map[string]any{"product": slug, "expectedVersion": data.Product.Version}
	for k, v := range cell {
		switch k {
		case "channel":
			input["channel"] = v.(map[string]any)["code"]
		case "locations":
			var codes []any
			if list, ok := v.([]any); ok {
				for _, l := range list {
					codes = append(codes, l.(map[string]any)["code"])
				}
			}
			input["locations"] = codes
		default:
			input[k] = v
		}
	}
	w.writes++
	input["instructions"] = fmt.Sprintf("Belastingtest: wijziging %d, %s.", w.writes, time.Now().Format(time.RFC3339Nano))
	code, err := w.c.do(ctx, writeMutation, map[string]any{"input": input}, nil)
	if code == "CONFLICT" {
		return true, nil
	}
	return false, err
}

type client struct {
	endpoint, metrics, token string
	http                     *http.Client
}

// do posts one GraphQL request and decodes its data into out (when not nil).
// It returns the code of the first GraphQL error with that error.
func (c *client) do(ctx context.Context, query string, vars map[string]any, out any) (string, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	var r struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", fmt.Errorf("the answer is not JSON: %w", err)
	}
	if len(r.Errors) > 0 {
		e := r.Errors[0]
		return e.Extensions.Code, fmt.Errorf("%s: %s", e.Extensions.Code, e.Message)
	}
	if out != nil {
		return "", json.Unmarshal(r.Data, out)
	}
	return "", nil
}

// rss reads the server's resident memory from its Prometheus metrics.
func (c *client) rss(ctx context.Context) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.metrics, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, errors.New("the server reports no process_resident_memory_bytes")
}
