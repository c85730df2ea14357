package rules

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/hook"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// ResidentTest: a test with residents is recorded once held, with at least
// one participant, known groups, and follow-up actions that say what, who
// and by when (catalog.CheckResidentTest). The record as it will be after
// the change is checked whole, so that an update cannot leave it half valid.
func ResidentTest() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ResidentTestFunc(func(ctx context.Context, m *gen.ResidentTestMutation) (ent.Value, error) {
			today := catalog.DateOf(changelog.Now(ctx, m))
			// Only a day set now must not lie ahead: a test recorded earlier
			// keeps its day when something else of it changes.
			on := today
			if t, set := m.TestedOn(); set {
				on = catalog.DateOf(t)
				m.SetTestedOn(on)
			}
			participants, err := value[int](ctx, m, residenttest.FieldParticipants)
			if err != nil {
				return nil, err
			}
			n := 0
			if participants != nil {
				n = *participants
			}
			groups, err := value[[]catalog.ResidentGroup](ctx, m, residenttest.FieldGroups)
			if err != nil {
				return nil, err
			}
			findings, err := str(ctx, m, residenttest.FieldFindings)
			if err != nil {
				return nil, err
			}
			followUps, err := value[[]catalog.FollowUp](ctx, m, residenttest.FieldFollowUps)
			if err != nil {
				return nil, err
			}
			var gs []catalog.ResidentGroup
			if groups != nil {
				gs = *groups
			}
			var fs []catalog.FollowUp
			if followUps != nil {
				fs = *followUps
			}
			if err := catalog.CheckResidentTest(on, today, n, gs, findings, fs); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}
