package backup_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
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
