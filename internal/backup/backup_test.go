package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func allow() context.Context { return privacy.DecisionContext(context.Background(), privacy.Allow) }

// TestRoundTrip exports the seed, restores it into an empty database and
// finds the same catalogue, the same log and the same coverage, now and at
// moments in the past.
func TestRoundTrip(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel() // the two databases share nothing
			roundTrip(t, d)
		})
	}
}

func roundTrip(t *testing.T, d string) {
	src := storetest.Seeded(t, d, fixture.Seed)
	{
		var file bytes.Buffer
		if err := backup.Export(context.Background(), src.Client, &file); err != nil {
			t.Fatal(err)
		}
		dst := storetest.Open(t, d)
		var calls, total int
		err := backup.Restore(context.Background(), dst.Client, bytes.NewReader(file.Bytes()), backup.Options{
			Progress: func(done, n int) { calls, total = done, n },
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls == 0 || calls != total {
			t.Errorf("progress ended at %d of %d", calls, total)
		}

		for _, kind := range []string{"product", "availability", "organization", "channel", "location", "target", "upl"} {
			want, got := records(t, src.Client, kind), records(t, dst.Client, kind)
			if len(want) == 0 {
				t.Errorf("the seed has no %s records: the comparison proves nothing", kind)
			}
			if strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Errorf("%s records differ after the restore (%d before, %d after)\nfirst before: %s\nfirst after:  %s",
					kind, len(want), len(got), first(want), first(got))
			}
		}
		if want, got := logOf(t, src.Client), logOf(t, dst.Client); strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Errorf("the change log differs after the restore: %d events before, %d after", len(want), len(got))
		}
		for _, at := range []time.Time{
			time.Now(),
			time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC),
		} {
			want, got := coverageAt(t, src, at), coverageAt(t, dst, at)
			if want != got {
				t.Errorf("coverage at %s differs after the restore:\nbefore: %.300s\nafter:  %.300s", at.Format(time.DateOnly), want, got)
			}
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return s[0]
}

// records lists the records of one kind as JSON without their ids, which a
// restore need not keep, sorted by their natural key.
func records(t *testing.T, c *ent.Client, kind string) []string {
	t.Helper()
	ctx := allow()
	var (
		rows any
		err  error
	)
	switch kind {
	case "product":
		rows, err = c.Product.Query().WithOwner().Order(ent.Asc("slug")).All(ctx)
	case "availability":
		var as []*ent.Availability
		as, err = c.Availability.Query().WithProduct().WithChannel().WithLocations().All(ctx)
		rows = as
	case "organization":
		rows, err = c.Organization.Query().WithParent().Order(ent.Asc(organization.FieldCode)).All(ctx)
	case "channel":
		rows, err = c.Channel.Query().Order(ent.Asc("code")).All(ctx)
	case "location":
		rows, err = c.Location.Query().Order(ent.Asc("code")).All(ctx)
	case "target":
		rows, err = c.Target.Query().Order(ent.Asc("deadline")).All(ctx)
	case "upl":
		rows, err = c.UPLEntry.Query().Order(ent.Asc("uri")).All(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = canonical(r)
	}
	if kind == "availability" {
		// Sorted by the canonical text, which starts with the product and channel.
		slices.Sort(out)
	}
	return out
}

// canonical drops ids from a record, recursively into its edges, and keeps
// the edges' natural keys.
func canonical(r map[string]any) string {
	var b strings.Builder
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if k == "id" || strings.HasSuffix(k, "_id") {
					continue
				}
				walk(prefix+"."+k, v[k])
			}
		case []any:
			parts := make([]string, len(v))
			for i, e := range v {
				if m, ok := e.(map[string]any); ok {
					parts[i] = canonical(m)
				} else {
					parts[i] = fmt.Sprint(e)
				}
			}
			slices.Sort(parts)
			fmt.Fprintf(&b, "%s=[%s] ", prefix, strings.Join(parts, ";"))
		default:
			fmt.Fprintf(&b, "%s=%v ", prefix, v)
		}
	}
	// Product and channel first, so that availabilities sort by them.
	if e, ok := r["edges"].(map[string]any); ok {
		walk("", map[string]any{"product": e["product"], "channel": e["channel"]})
	}
	walk("", r)
	return b.String()
}

// logOf lists the change log without ids and transaction ids.
func logOf(t *testing.T, c *ent.Client) []string {
	t.Helper()
	evs, err := c.ChangeEvent.Query().Order(ent.Asc(changeevent.FieldRecordedAt), ent.Asc(changeevent.FieldID)).All(allow())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(evs))
	for i, e := range evs {
		fields := make([]string, len(e.Changes))
		for j, ch := range e.Changes {
			fields[j] = ch.Field
		}
		out[i] = fmt.Sprintf("%s %s %s %s state=%v org=%v %s", e.RecordedAt.UTC().Format(time.RFC3339Nano), e.Entity, e.Action, e.Actor,
			deref(e.State), e.ActorOrganizationID != nil, strings.Join(fields, ","))
	}
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// coverageAt is the coverage report at a moment, with units and channels by
// code rather than id.
func coverageAt(t *testing.T, db *store.DB, at time.Time) string {
	t.Helper()
	ctx := allow()
	m, err := db.Client.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY)).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	svc := coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
	r, err := svc.Report(ctx, coverage.Filter{Municipality: m.ID}, at)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "products=%d full=%d %+v groups=%+v\n", r.Products, r.FullyCoveredProducts, r.Counts, r.Groups)
	for _, c := range r.ByChannel {
		fmt.Fprintf(&b, "channel %s %+v\n", c.Channel.Code, c.Counts)
	}
	for _, o := range r.ByOrganization {
		fmt.Fprintf(&b, "unit %s %+v\n", o.Organization.Code, o.PartCoverage)
	}
	for _, th := range r.ByTheme {
		fmt.Fprintf(&b, "theme %s %+v\n", th.Theme, th.PartCoverage)
	}
	if r.Projection != nil {
		p := *r.Projection
		fmt.Fprintf(&b, "pace=%.6f track=%v togo=%d\n", p.PacePerWeek, p.OnTrack, p.CellsToGo)
	}
	return b.String()
}

// TestRestoreRefuses checks that a restore changes nothing when the file is
// not a backup or the database is not empty.
func TestRestoreRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tc := range []struct{ name, file, want string }{
			{"not JSON", "name,slug\n", "not a catalogus backup"},
			{"another format", `{"format":"cpsv-ap","version":1}`, "not a catalogus backup of version 1"},
			{"a newer version", `{"format":"catalogus-backup","version":6}`, "version 6"},
			{"an unknown entity", `{"format":"catalogus-backup","version":1,"events":[{"id":1,"entity":"SPACESHIP","entityId":1,"action":"CREATE","actor":"x","recordedAt":"2024-01-01T00:00:00Z","txId":"a"}]}`, `unknown entity "SPACESHIP"`},
			{"an update of nothing", `{"format":"catalogus-backup","version":1,"events":[{"id":7,"entity":"PRODUCT","entityId":99,"action":"UPDATE","actor":"x","recordedAt":"2024-01-01T00:00:00Z","txId":"a"}]}`, "change 7 (update product): changes record 99, which the backup never created"},
		} {
			err := backup.Restore(ctx, db.Client, strings.NewReader(tc.file), backup.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.want)
			}
			if n := db.Client.ChangeEvent.Query().CountX(allow()); n != 0 {
				t.Fatalf("%s: the failed restore left %d changes behind", tc.name, n)
			}
		}

		fixture.New(t, db.Client)
		var file bytes.Buffer
		if err := backup.Export(ctx, db.Client, &file); err != nil {
			t.Fatal(err)
		}
		before := logOf(t, db.Client)
		err := backup.Restore(ctx, db.Client, &file, backup.Options{})
		if err == nil || !strings.Contains(err.Error(), "restored into an empty database") {
			t.Errorf("restoring into a filled database: got %v", err)
		}
		if after := logOf(t, db.Client); len(after) != len(before) {
			t.Errorf("the refused restore changed the log: %d events, was %d", len(after), len(before))
		}
	})
}

// TestRestoreChecksSnapshot alters the catalogue a backup holds, so that it
// no longer matches its change log: the restore names the record and the
// field, and leaves the database empty.
func TestRestoreChecksSnapshot(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) { restoreChecksSnapshot(t, d) })
	}
}

func restoreChecksSnapshot(t *testing.T, d string) {
	db := storetest.Open(t, d)
	{
		ctx := context.Background()
		k := fixture.New(t, db.Client)
		k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		var buf bytes.Buffer
		if err := backup.Export(ctx, db.Client, &buf); err != nil {
			t.Fatal(err)
		}
		var f backup.File
		if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
			t.Fatal(err)
		}
		if len(f.Products) == 0 {
			t.Fatal("the fixture has no products")
		}
		f.Products[0].Name += " (gewijzigd)"
		// Edited with a digest made anew (anyone can, without the key):
		// the restore's check of its result catches it.
		var altered bytes.Buffer
		if err := backup.Write(&altered, &f, backup.ExportOptions{}); err != nil {
			t.Fatal(err)
		}
		dst := storetest.Open(t, d)
		err := backup.Restore(ctx, dst.Client, bytes.NewReader(altered.Bytes()), backup.Options{})
		want := fmt.Sprintf("product record %d of the backup has another name than its change log gives", f.Products[0].ID)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want an error with %q", err, want)
		}
		if n := dst.Client.ChangeEvent.Query().CountX(allow()); n != 0 {
			t.Errorf("the refused restore left %d changes behind", n)
		}
		if n := dst.Client.Product.Query().CountX(allow()); n != 0 {
			t.Errorf("the refused restore left %d products behind", n)
		}
	}
}

// TestMoveToPostgres restores a backup of the SQLite database into
// PostgreSQL: the way from a trial on one machine to production.
func TestMoveToPostgres(t *testing.T) {
	src := storetest.Seeded(t, "sqlite", fixture.Seed)
	dst := storetest.Open(t, "postgres")
	var file bytes.Buffer
	if err := backup.Export(context.Background(), src.Client, &file); err != nil {
		t.Fatal(err)
	}
	if err := backup.Restore(context.Background(), dst.Client, &file, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{time.Now(), time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)} {
		if want, got := coverageAt(t, src, at), coverageAt(t, dst, at); want != got {
			t.Errorf("coverage at %s differs in PostgreSQL:\nSQLite:     %.300s\nPostgreSQL: %.300s", at.Format(time.DateOnly), want, got)
		}
	}
}
