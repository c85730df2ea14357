package seed_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

// TestMain removes the shared seeded databases when the tests end.
func TestMain(m *testing.M) { storetest.Main(m) }

// firstLoads holds, per dialect, what the load that filled the package's
// shared seeded database (storetest.Seeded) reported and how long it took.
var firstLoads sync.Map

type firstLoad struct {
	report seed.Report
	took   time.Duration
}

// loadSeed is the loader of every shared database in this package: the tests
// that only read the seed share one load per database, and
// TestSeedLoadsOnceAndCompletely checks that load's report.
func loadSeed(ctx context.Context, db *store.DB) error {
	start := time.Now()
	rep, err := seed.Load(ctx, db.Client, seed.Options{})
	firstLoads.Store(db.Target.Dialect, firstLoad{rep, time.Since(start)})
	return err
}

func TestSeedLoadsOnceAndCompletely(t *testing.T) {
	storetest.EachSeeded(t, loadSeed, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v, ok := firstLoads.Load(db.Target.Dialect)
		if !ok {
			t.Fatal("the shared database was not filled by loadSeed")
		}
		rep := v.(firstLoad).report
		t.Logf("%s: seed loaded in %s: %+v", db.Target.Dialect, v.(firstLoad).took.Round(time.Millisecond), rep)
		if rep.AlreadyLoaded || rep.Products != 423 || rep.Channels != 9 || rep.Organizations != 24 ||
			rep.Locations != 11 || rep.UPLEntries != 452 || rep.Availabilities < 3000 {
			t.Errorf("report = %+v", rep)
		}
		published := db.Client.Product.Query().Where(product.StatusEQ(product.StatusPUBLISHED)).CountX(ctx)
		if published != 423 {
			t.Errorf("%d published products, want all 423", published)
		}
		if n := db.Client.Product.Query().Where(product.UplEntryIDIsNil()).CountX(ctx); n != 10 {
			t.Errorf("%d products without a UPL name, want the city's own 10", n)
		}
		codes := db.Client.Channel.Query().Order(ent.Asc(channel.FieldSortOrder)).Select(channel.FieldCode).StringsX(ctx)
		want := []string{"balie", "wijkhub", "straat", "telefoon", "website", "app", "chat", "webcare", "email"}
		for i := range want {
			if i >= len(codes) || codes[i] != want[i] {
				t.Fatalf("channels = %v, want %v", codes, want)
			}
		}
		first := db.Client.ChangeEvent.Query().Order(ent.Asc(changeevent.FieldRecordedAt)).FirstX(ctx)
		lastEv := db.Client.ChangeEvent.Query().Order(ent.Desc(changeevent.FieldRecordedAt)).FirstX(ctx)
		if first.RecordedAt.Year() != 2023 || lastEv.RecordedAt.After(time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("history runs from %v to %v", first.RecordedAt, lastEv.RecordedAt)
		}
		// "90% of our services can be requested digitally": the website carries most.
		web := db.Client.Channel.Query().Where(channel.Code("website")).OnlyX(ctx)
		onWeb := db.Client.Availability.Query().Where(availability.ChannelID(web.ID), availability.StatusEQ(availability.StatusAVAILABLE)).CountX(ctx)
		if share := float64(onWeb) / 423; share < 0.8 || share > 0.97 {
			t.Errorf("share of products available on the website = %.2f, want about 0.9", share)
		}
		// The availability rows are exactly what the log's last events say.
		last := map[int]*string{}
		for _, ev := range db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityAVAILABILITY)).
			Order(ent.Asc(changeevent.FieldRecordedAt), ent.Asc(changeevent.FieldID)).AllX(ctx) {
			last[ev.EntityID] = ev.State
		}
		cells := db.Client.Availability.Query().AllX(ctx)
		for _, a := range cells {
			if st := last[a.ID]; st == nil || *st != a.Status.String() {
				t.Fatalf("availability %d is %s but its last event says %v", a.ID, a.Status, st)
			}
		}

		// A second load changes nothing (the database is shared: it must not).
		again, err := seed.Load(ctx, db.Client, seed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		again.AlreadyLoaded = false
		if again != rep {
			t.Errorf("second load: %+v, want %+v", again, rep)
		}
	})
}
