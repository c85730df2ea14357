package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/retention"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestAnswerBaseRoundTrip: answers and call-back requests survive a backup;
// an open request keeps its contact details (from the file's records, since
// the log never holds them), a closed one stays without.
func TestAnswerBaseRoundTrip(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			clk := clock.NewManual(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
			src := storetest.Open(t, d, storetest.WithStoreOptions(store.Options{Clock: clk}))
			k := fixture.New(t, src.Client)
			p := k.Product(t, src.Client, "paspoort", k.DepartmentA1)
			var closed *ent.CallbackRequest
			fixture.Tx(t, src.Client, func(ctx context.Context, tx *ent.Client) error {
				a, err := tx.Answer.Create().SetOwnerID(k.ClusterA.ID).SetQuestion("Paspoort kwijt?").SetText("Meld het; klaar na 5 werkdagen.").
					SetVariants([]catalog.AnswerVariant{{Channel: "balie", Text: "Klaar na 5 werkdagen."}}).SetKeywords([]string{"kwijt"}).
					AddProductIDs(p.ID).SetStatus("PUBLISHED").Save(ctx)
				if err != nil {
					return err
				}
				if _, err = tx.CallbackRequest.Create().SetProductID(p.ID).SetQuestion("Stemmen?").SetChannelID(k.Balie.ID).
					SetReplyChannelID(k.Website.ID).SetContactName("A. Bakker").SetContact("a@example.nl").Save(ctx); err != nil {
					return err
				}
				if closed, err = tx.CallbackRequest.Create().SetProductID(p.ID).SetQuestion("Spoed?").SetChannelID(k.Balie.ID).
					SetReplyChannelID(k.Balie.ID).SetContact("06-11111111").Save(ctx); err != nil {
					return err
				}
				return closed.Update().SetStatus("CLOSED").SetAnswerID(a.ID).Exec(ctx)
			})
			var file bytes.Buffer
			if err := backup.Export(context.Background(), src.Client, &file); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(file.String(), "06-11111111") {
				t.Error("the backup holds the contact details of a closed request")
			}
			dst := storetest.Open(t, d, storetest.WithStoreOptions(store.Options{Clock: clk}))
			if err := backup.Restore(context.Background(), dst.Client, bytes.NewReader(file.Bytes()), backup.Options{}); err != nil {
				t.Fatal(err)
			}
			if want, got := logOf(t, src.Client), logOf(t, dst.Client); strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Errorf("the change log differs after the restore:\n%s\n---\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
			rs, err := dst.Client.CallbackRequest.Query().Order(ent.Asc(callbackrequest.FieldQuestion)).All(allow())
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 2 || rs[0].Contact != nil || rs[1].Contact == nil || *rs[1].Contact != "a@example.nl" || rs[0].AnswerID == nil {
				t.Errorf("restored requests: %+v", rs)
			}
			n, err := dst.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityANSWER)).Count(allow())
			if err != nil || n != 1 {
				t.Errorf("%d answer events after the restore (%v), want 1", n, err)
			}
		})
	}
}

// TestClosedCallbackRoundTripAfterRetention: once the retention job has
// replaced the names of a request closed long ago, the restore still agrees
// with the file: the replayed filer comes from the log's (pseudonymised)
// actor, which must match the request's own.
func TestClosedCallbackRoundTripAfterRetention(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 10, 0, 0, 0, time.UTC) }
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			clk := clock.NewManual(now)
			src := storetest.Open(t, d, storetest.WithStoreOptions(store.Options{Clock: clk}))
			var h callbackHistory
			var req int
			steps := []changelog.Step{
				h.seed(day(2022, 1, 3)),
				h.file(day(2022, 1, 10), "jan.jansen@rotterdam.nl", "Stemmen?", &req),
				h.as(day(2022, 1, 11), "piet@rotterdam.nl", func(ctx context.Context, c *ent.Client) error {
					return c.CallbackRequest.UpdateOneID(req).SetStatus(callbackrequest.StatusASSIGNED).SetAssignee("marie@rotterdam.nl").Exec(ctx)
				}),
				h.as(day(2022, 2, 1), "piet@rotterdam.nl", func(ctx context.Context, c *ent.Client) error {
					return c.CallbackRequest.UpdateOneID(req).SetStatus(callbackrequest.StatusCLOSED).Exec(ctx)
				}),
			}
			if err := changelog.Import(context.Background(), src.Client, steps, changelog.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := retention.Apply(context.Background(), src, retention.DefaultPeriod, now); err != nil {
				t.Fatal(err)
			}
			var file bytes.Buffer
			if err := backup.Export(context.Background(), src.Client, &file); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(file.String(), "rotterdam.nl") {
				t.Error("the backup still names a colleague of a request closed long ago")
			}
			dst := storetest.Open(t, d, storetest.WithStoreOptions(store.Options{Clock: clk}))
			if err := backup.Restore(context.Background(), dst.Client, bytes.NewReader(file.Bytes()), backup.Options{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestOpenCallbackRoundTripAfterRetention: a request still open after the
// retention period keeps its colleagues' names while the log's actors became
// pseudonyms. Its backup must restore to the same names, and the restored
// database must go on giving those people the same pseudonyms; a file whose
// filer was changed by hand is still refused.
func TestOpenCallbackRoundTripAfterRetention(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 10, 0, 0, 0, time.UTC) }
	const jan, marie, piet = "jan.jansen@rotterdam.nl", "marie@rotterdam.nl", "piet@rotterdam.nl"
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewManual(now)
			src := storetest.Open(t, d, storetest.WithStoreOptions(store.Options{Clock: clk}))
			var h callbackHistory
			var open, closed int
			steps := []changelog.Step{
				h.seed(day(2022, 1, 3)),
				h.file(day(2022, 1, 10), jan, "Nog steeds open?", &open),
				h.as(day(2022, 1, 11), piet, func(ctx context.Context, c *ent.Client) error {
					return c.CallbackRequest.UpdateOneID(open).SetStatus(callbackrequest.StatusASSIGNED).SetAssignee(marie).Exec(ctx)
				}),
				// One closed long ago beside it: its names become pseudonyms.
				h.file(day(2022, 1, 12), jan, "Allang gesloten?", &closed),
				h.as(day(2022, 2, 1), piet, func(ctx context.Context, c *ent.Client) error {
					return c.CallbackRequest.UpdateOneID(closed).SetStatus(callbackrequest.StatusCLOSED).Exec(ctx)
				}),
			}
			if err := changelog.Import(ctx, src.Client, steps, changelog.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := retention.Apply(ctx, src, retention.DefaultPeriod, now); err != nil {
				t.Fatal(err)
			}
			filedBy := func(c *ent.Client, id int) string {
				return c.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityCALLBACK_REQUEST), changeevent.EntityID(id),
					changeevent.ActionEQ(changeevent.ActionCREATE)).OnlyX(allow()).Actor
			}
			janP := filedBy(src.Client, open)
			if !strings.HasPrefix(janP, retention.Prefix) {
				t.Fatalf("the filing was not pseudonymised: %q", janP)
			}
			if r := src.Client.CallbackRequest.GetX(allow(), open); r.RequestedBy != jan {
				t.Fatalf("the open request lost its filer before the backup: %q", r.RequestedBy)
			}

			var buf bytes.Buffer
			if err := backup.Export(ctx, src.Client, &buf); err != nil {
				t.Fatal(err)
			}
			dst := storetest.Open(t, d, storetest.WithStoreOptions(store.Options{Clock: clk}))
			if err := backup.Restore(ctx, dst.Client, bytes.NewReader(buf.Bytes()), backup.Options{}); err != nil {
				t.Fatal(err)
			}
			if want, got := callbacksOf(t, src.Client), callbacksOf(t, dst.Client); strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Errorf("the call-back requests differ after the restore:\n%s\n---\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
			if want, got := logOf(t, src.Client), logOf(t, dst.Client); strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Errorf("the change log differs after the restore:\n%s\n---\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
			}

			// Jan's request, closed now and past the period later, gets the
			// pseudonym his filing has in the log: the restored database
			// pseudonymises as the original did.
			restored := dst.Client.CallbackRequest.Query().Where(callbackrequest.Question("Nog steeds open?")).OnlyX(allow())
			closing := []changelog.Step{h.as(now, piet, func(ctx context.Context, c *ent.Client) error {
				return c.CallbackRequest.UpdateOneID(restored.ID).SetStatus(callbackrequest.StatusCLOSED).Exec(ctx)
			})}
			if err := changelog.Import(ctx, dst.Client, closing, changelog.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := retention.Apply(ctx, dst, retention.DefaultPeriod, now.AddDate(3, 0, 0)); err != nil {
				t.Fatal(err)
			}
			if r := dst.Client.CallbackRequest.GetX(allow(), restored.ID); r.RequestedBy != janP || filedBy(dst.Client, restored.ID) != janP {
				t.Errorf("after the restore, retention gave Jan %q on the request and %q in the log; before, %q",
					r.RequestedBy, filedBy(dst.Client, restored.ID), janP)
			}

			// A filer changed by hand is not the one the log's pseudonym stands for.
			var f backup.File
			if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
				t.Fatal(err)
			}
			var tampered *ent.CallbackRequest
			for _, r := range f.CallbackRequests {
				if r.ID == open {
					tampered = r
				}
			}
			tampered.RequestedBy = "kees@rotterdam.nl"
			var altered bytes.Buffer
			if err := backup.Write(&altered, &f, backup.ExportOptions{}); err != nil {
				t.Fatal(err)
			}
			empty := storetest.Open(t, d, storetest.WithStoreOptions(store.Options{Clock: clk}))
			err := backup.Restore(ctx, empty.Client, bytes.NewReader(altered.Bytes()), backup.Options{})
			want := fmt.Sprintf("call-back request record %d of the backup has another requested_by than its change log gives", open)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("a tampered filer: got %v, want an error with %q", err, want)
			}
			if n := empty.Client.ChangeEvent.Query().CountX(allow()); n != 0 {
				t.Errorf("the refused restore left %d changes behind", n)
			}
		})
	}
}

// callbacksOf lists the call-back requests with the fields a restore must
// keep, by question.
// callbackHistory writes a change log of call-back requests: a municipality
// with a website channel and a product, as the seed, then what named
// colleagues did.
type callbackHistory struct{ org, prod, web int }

func (h *callbackHistory) seed(at time.Time) changelog.Step {
	return changelog.Step{At: at, Actor: changelog.System("seed"), Apply: func(ctx context.Context, c *ent.Client) error {
		m := c.Organization.Create().SetCode("g").SetName("G").SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
		h.org = m.ID
		h.web = c.Channel.Create().SetCode("website").SetName("W").SetNameEn("W").SaveX(ctx).ID
		h.prod = fixture.ProductCreate(c, "p", m).SaveX(ctx).ID
		return nil
	}}
}

func (h *callbackHistory) as(at time.Time, who string, fn func(ctx context.Context, c *ent.Client) error) changelog.Step {
	return changelog.Step{At: at, Actor: changelog.Actor{Name: who, OrganizationID: &h.org}, Apply: fn}
}

// file has who file a request about the product, kept in *id.
func (h *callbackHistory) file(at time.Time, who, question string, id *int) changelog.Step {
	return h.as(at, who, func(ctx context.Context, c *ent.Client) error {
		r, err := c.CallbackRequest.Create().SetProductID(h.prod).SetQuestion(question).SetChannelID(h.web).
			SetReplyChannelID(h.web).SetContactName("A. Bakker").SetContact("06-12345678").Save(ctx)
		if err == nil {
			*id = r.ID
		}
		return err
	})
}

func callbacksOf(t *testing.T, c *ent.Client) []string {
	t.Helper()
	rs, err := c.CallbackRequest.Query().Order(ent.Asc(callbackrequest.FieldQuestion)).All(allow())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%s %s by=%s assignee=%v contact=%v/%v closed=%v updated=%s", r.Question, r.Status, r.RequestedBy,
			deref(r.Assignee), deref(r.ContactName), deref(r.Contact), deref(r.ClosedAt), r.UpdatedAt.UTC().Format(time.RFC3339Nano))
	}
	return out
}
