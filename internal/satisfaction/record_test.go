package satisfaction_test

import (
	"context"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestRecordKeepsWhatTheSourceDoesNotReport: a kept figure of a stored
// measurement stays as stored whatever the value given, and counts as no
// change; a new measurement takes the value given.
func TestRecordKeepsWhatTheSourceDoesNotReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(t, c)
		n := func(i int) *int { return &i }
		vol := func(start time.Time, contacts int, requests *int, keep bool) satisfaction.Volume {
			v := satisfaction.Volume{Key: survey(k, k.Balie, start, 0, [4]int{}).Key, Contacts: contacts, Requests: requests}
			v.KeepRequests = keep
			return v
		}
		recordVolume := func(v satisfaction.Volume) (r *ent.ContactVolume, o satisfaction.Outcome) {
			t.Helper()
			fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) (err error) {
				r, o, err = satisfaction.RecordVolume(ctx, tx, v)
				return err
			})
			return r, o
		}
		jan, feb := month(2026, time.January), month(2026, time.February)

		recordVolume(vol(jan, 100, n(40), false))
		if r, o := recordVolume(vol(jan, 100, nil, true)); o != satisfaction.Unchanged || r.Requests == nil || *r.Requests != 40 {
			t.Errorf("the same contacts, requests kept: %v, requests %v; want unchanged, 40", o, r.Requests)
		}
		if r, o := recordVolume(vol(jan, 110, n(7), true)); o != satisfaction.Changed || r.Contacts != 110 || r.Requests == nil || *r.Requests != 40 {
			t.Errorf("new contacts, requests kept: %v, %d, requests %v; want changed, 110, 40", o, r.Contacts, r.Requests)
		}
		if r, o := recordVolume(vol(jan, 110, nil, false)); o != satisfaction.Changed || r.Requests != nil {
			t.Errorf("requests not kept and nil: %v, requests %v; want changed, cleared", o, r.Requests)
		}
		if r, o := recordVolume(vol(feb, 50, n(9), true)); o != satisfaction.Created || r.Requests == nil || *r.Requests != 9 {
			t.Errorf("a new volume with requests kept: %v, requests %v; want created with 9", o, r.Requests)
		}

		s := survey(k, k.Balie, jan, 100, [4]int{10, 10, 10, 10})
		s.Promoters, s.Passives, s.Detractors = 30, 40, 30
		record(t, c, s)
		s.Promoters, s.Passives, s.Detractors = 0, 0, 0
		s.KeepNPS = [3]bool{true, false, true}
		var o satisfaction.Outcome
		var r *ent.SurveyResult
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) (err error) {
			r, o, err = satisfaction.RecordSurvey(ctx, tx, s)
			return err
		})
		if o != satisfaction.Changed || r.NpsPromoters != 30 || r.NpsPassives != 0 || r.NpsDetractors != 30 {
			t.Errorf("promoters and detractors kept: %v, %d/%d/%d; want changed, 30/0/30", o, r.NpsPromoters, r.NpsPassives, r.NpsDetractors)
		}
		s.KeepNPS = [3]bool{true, true, true}
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) (err error) {
			_, o, err = satisfaction.RecordSurvey(ctx, tx, s)
			return err
		})
		if o != satisfaction.Unchanged {
			t.Errorf("the same counts, NPS kept: %v; want unchanged", o)
		}
	})
}
