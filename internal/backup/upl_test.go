package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/uplentry"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/upl"
)

// TestUPLNamesRoundTrip: a backup keeps everything the UPL list says about a
// name (flags, legal bases, whether it left the list), and a version 1 backup,
// written before names could leave the list, restores them as on the list.
func TestUPLNamesRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fixture.New(t, db.Client)
		ctx := auth.System(context.Background(), "test")
		head := "UniformeProductnaam,URI,Rijk,Provincie,Waterschap,Gemeente,Burger,Bedrijf,Dienstenwet,SDG,Autonomie,Medebewind,Aanvraag,Subsidie,Melding,Verplichting,DigiDMacht,Grondslag,Grondslaglabel,Grondslaglink\n"
		a := "paspoort,http://x/Paspoort,X,,,X,X,,,D1,,X,X,,,,X,http://wet/a,Wet a,https://wetten/a\n"
		b := "afvalpas,http://x/Afvalpas,,,,X,X,,X,,X,,,X,X,X,,,,\n"
		for _, list := range []string{head + a + b, head + a} {
			if _, err := upl.Import(ctx, db.Client, strings.NewReader(list)); err != nil {
				t.Fatal(err)
			}
		}
		var file bytes.Buffer
		if err := backup.Export(ctx, db.Client, &file); err != nil {
			t.Fatal(err)
		}
		dump := func(c *ent.Client) string {
			es, err := c.UPLEntry.Query().Order(ent.Asc(uplentry.FieldURI)).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				e.ID = 0
			}
			out, _ := json.Marshal(es)
			return string(out)
		}
		want := dump(db.Client)
		if db.Client.UPLEntry.Query().Where(uplentry.InList(false)).CountX(ctx) != 1 || !strings.Contains(want, `"legal_bases":[{"uri":"http://wet/a"`) {
			t.Fatalf("the names before the backup: %s", want)
		}
		dst := storetest.Open(t, storetest.Dialects[0])
		if err := backup.Restore(ctx, dst.Client, bytes.NewReader(file.Bytes()), backup.Options{}); err != nil {
			t.Fatal(err)
		}
		if got := dump(dst.Client); got != want {
			t.Errorf("after the restore:\n%s\nwant\n%s", got, want)
		}

		// A version 1 file: no in_list (nor the later flags) in its names.
		var f map[string]any
		if err := json.Unmarshal(file.Bytes(), &f); err != nil {
			t.Fatal(err)
		}
		f["version"] = 1
		for _, e := range f["uplEntries"].([]any) {
			delete(e.(map[string]any), "in_list")
		}
		old, _ := json.Marshal(f)
		v1 := storetest.Open(t, storetest.Dialects[0])
		if err := backup.Restore(ctx, v1.Client, bytes.NewReader(old), backup.Options{}); err != nil {
			t.Fatal(err)
		}
		if n := v1.Client.UPLEntry.Query().Where(uplentry.InList(false)).CountX(ctx); n != 0 {
			t.Errorf("%d names of a version 1 backup came back as not on the list", n)
		}
	})
}
