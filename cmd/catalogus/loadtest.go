package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/loadtest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

var loadtestCmd = command{
	name:     "loadtest",
	synopsis: "[flags]",
	brief:    "drive a server on this machine and measure it",
	summary: `drive a running server on this machine with the users' mix of requests — product reads, coverage
queries, edits — at a fixed concurrency for a fixed time, and report throughput, latency percentiles,
errors and the server's memory. With writes it then checks that every acknowledged write is one
transaction in the change log (reading --database, the server's database). It exits with status 1 on
any error or mismatch. The soak in docs/reliability.md is: --concurrency 32 --duration 5m --writes 0.05`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		var o loadtest.Options
		fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "the server's base URL; loopback only")
		fs.IntVar(&o.Concurrency, "concurrency", 16, "requests in flight at once")
		fs.DurationVar(&o.Duration, "duration", 30*time.Second, "how long to run (at most 1h)")
		fs.Float64Var(&o.Coverage, "coverage", 0.15, "share of coverage queries")
		fs.Float64Var(&o.Writes, "writes", 0.05, "share of edits (setAvailability); 0 for a read-only run")
		fs.StringVar(&o.Token, "token", envOr("CATALOGUS_TOKEN", ""), "API token for the edits (env CATALOGUS_TOKEN); default: a temporary admin token, revoked afterwards")
		fs.Uint64Var(&o.Seed, "seed", 1, "seed of the random choice of requests")
		format := fs.String("format", "table", "output: table or json")
		return func(ctx context.Context, e *env) error {
			if *format != "table" && *format != "json" {
				return fmt.Errorf("--format %q: use table or json", *format)
			}
			if err := o.Check(); err != nil {
				return err
			}
			var db *store.DB
			actor := ""
			if o.Writes > 0 {
				var err error
				if db, err = openCatalogue(ctx, e); err != nil {
					return err
				}
				defer db.Close()
				tokens := auth.Tokens{Client: db.Client, By: "loadtest"}
				if o.Token == "" {
					name := fmt.Sprintf("loadtest-%d", time.Now().Unix())
					if o.Token, err = tokens.Create(ctx, name, auth.Admin, ""); err != nil {
						return fmt.Errorf("making a temporary token for the edits: %w", err)
					}
					defer func() {
						if err := tokens.Revoke(context.WithoutCancel(ctx), name); err != nil {
							e.log.Error("revoking the temporary token", "name", name, "err", err)
						}
					}()
				}
				v, err := tokens.Authenticate(ctx, o.Token)
				if err != nil {
					return fmt.Errorf("the token for the edits is not valid in %s: %w", db.Target.Redacted, err)
				}
				actor = v.Name
			}
			o.Progress = func(elapsed time.Duration, requests, errors int, rss float64) {
				fmt.Fprintf(e.stderr, "%s of %s: %d requests (%.0f/s), %d errors, server RSS %.0f MB\n",
					elapsed.Round(time.Second), o.Duration, requests, float64(requests)/elapsed.Seconds(), errors, rss/1e6)
			}
			res, err := loadtest.Run(ctx, o)
			if err != nil {
				return err
			}
			var logged *int
			if db != nil {
				txs, err := db.Client.ChangeEvent.Query().
					Where(changeevent.Actor(actor), changeevent.RecordedAtGTE(res.Started.Add(-time.Second))).
					GroupBy(changeevent.FieldTxID).Strings(privacy.DecisionContext(ctx, privacy.Allow))
				if err != nil {
					return fmt.Errorf("counting the change-log transactions: %w", err)
				}
				n := len(txs)
				logged = &n
			}
			if *format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					*loadtest.Result
					LoggedTransactions *int `json:",omitempty"`
				}{res, logged}); err != nil {
					return err
				}
			} else {
				printLoad(e.stdout, o, res, logged)
			}
			switch {
			case res.Total.Errors > 0:
				return fmt.Errorf("%d of %d requests failed", res.Total.Errors, res.Total.Requests)
			case logged != nil && *logged != res.Acknowledged:
				return fmt.Errorf("the server acknowledged %d writes but the change log holds %d transactions of %s", res.Acknowledged, *logged, actor)
			}
			return nil
		}
	},
}

func printLoad(w io.Writer, o loadtest.Options, r *loadtest.Result, logged *int) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "%s, concurrency %d, %s (%.0f%% coverage, %.0f%% writes)\n\n", o.URL, o.Concurrency,
		r.Duration.Round(time.Millisecond), o.Coverage*100, o.Writes*100)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "request\trequests\tper s\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\tconflicts\t")
	for _, f := range append(r.ByKind, r.Total) {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%d\t%d\t\n", f.Kind, f.Requests, f.PerSecond, ms(f.P50), ms(f.P95), ms(f.P99), ms(f.Max), f.Errors, f.Conflicts)
	}
	tw.Flush()
	mb := func(b float64) string { return fmt.Sprintf("%.0f MB", b/1e6) }
	fmt.Fprintf(w, "\nserver memory (RSS): %s at the start, %s at the peak, %s at the end\n", mb(r.RSSStart), mb(r.RSSPeak), mb(r.RSSEnd))
	if len(r.RSSOverTime) > 0 {
		fmt.Fprint(w, "server memory over the run (MB):")
		for _, v := range r.RSSOverTime {
			fmt.Fprintf(w, " %.0f", v/1e6)
		}
		fmt.Fprintln(w)
	}
	if logged != nil {
		fmt.Fprintf(w, "writes acknowledged: %d; change-log transactions: %d\n", r.Acknowledged, *logged)
	}
	for _, e := range r.SampleErrors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
}
