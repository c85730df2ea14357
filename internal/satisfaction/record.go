package satisfaction

import (
	"context"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/contactvolume"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/satisfactiontarget"
	"github.com/gemeente-rotterdam/catalogus/ent/surveyresult"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/rules"
)

// Key is what a measurement is about (catalog.MeasurementKey, which the
// schema's rules read too).
type Key = catalog.MeasurementKey

// Survey is a survey result to record.
type Survey struct {
	Key
	catalog.SurveyCounts
	// KeepNPS, per NPS count (promoters, passives, detractors), leaves the
	// count of a stored result as it is instead of taking the one here: a
	// source that does not report it must not wipe what another reported. A
	// new result takes the count here all the same.
	KeepNPS [3]bool
}

// Volume is a contact volume to record.
type Volume struct {
	Key
	Contacts int
	// Requests nil means the source does not count requests: a stored figure
	// is cleared, unless KeepRequests.
	Requests *int
	// KeepRequests leaves the requests of a stored volume as they are
	// instead of taking Requests, so that correcting the contacts from a
	// source without requests does not wipe them. A new volume takes
	// Requests all the same.
	KeepRequests bool
}

// Outcome says what recording a measurement did.
type Outcome int

// Outcomes of Record.
const (
	Unchanged Outcome = iota
	Created
	Changed
)

// RecordSurvey creates the survey result, or changes the stored one with the
// same key; the hooks check it and log the change. c must be a transaction's
// client.
func RecordSurvey(ctx context.Context, c *ent.Client, s Survey) (*ent.SurveyResult, Outcome, error) {
	old, err := c.SurveyResult.Query().Where(predicate.SurveyResult(rules.MeasurementKeyIs(s.Key))).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		r, err := c.SurveyResult.Create().
			SetMunicipalityID(s.Municipality).SetChannelID(s.Channel).
			SetNillableProductID(s.Product).SetNillableOrganizationID(s.Organization).
			SetPeriod(surveyresult.Period(s.Period)).SetPeriodStart(s.Start).
			SetRespondents(s.Respondents).
			SetDissatisfiedGeneral(s.Dissatisfied[0]).SetDissatisfiedClarity(s.Dissatisfied[1]).
			SetDissatisfiedFriendliness(s.Dissatisfied[2]).SetDissatisfiedTimeliness(s.Dissatisfied[3]).
			SetNpsPromoters(s.Promoters).SetNpsPassives(s.Passives).SetNpsDetractors(s.Detractors).
			Save(ctx)
		return r, Created, err
	case err != nil:
		return nil, Unchanged, err
	}
	// Kept counts are compared and written as stored, so a row that only
	// omits them is Unchanged and the change log shows no change for them.
	stored := surveyCounts(old)
	for i, n := range nps(&s.SurveyCounts) {
		if s.KeepNPS[i] {
			*n = *nps(&stored)[i]
		}
	}
	if stored == s.SurveyCounts {
		return old, Unchanged, nil
	}
	r, err := old.Update().
		SetRespondents(s.Respondents).
		SetDissatisfiedGeneral(s.Dissatisfied[0]).SetDissatisfiedClarity(s.Dissatisfied[1]).
		SetDissatisfiedFriendliness(s.Dissatisfied[2]).SetDissatisfiedTimeliness(s.Dissatisfied[3]).
		SetNpsPromoters(s.Promoters).SetNpsPassives(s.Passives).SetNpsDetractors(s.Detractors).
		Save(ctx)
	return r, Changed, err
}

// RecordVolume creates the contact volume, or changes the stored one with
// the same key. c must be a transaction's client.
func RecordVolume(ctx context.Context, c *ent.Client, v Volume) (*ent.ContactVolume, Outcome, error) {
	old, err := c.ContactVolume.Query().Where(predicate.ContactVolume(rules.MeasurementKeyIs(v.Key))).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		r, err := c.ContactVolume.Create().
			SetMunicipalityID(v.Municipality).SetChannelID(v.Channel).
			SetNillableProductID(v.Product).SetNillableOrganizationID(v.Organization).
			SetPeriod(contactvolume.Period(v.Period)).SetPeriodStart(v.Start).
			SetContacts(v.Contacts).SetNillableRequests(v.Requests).
			Save(ctx)
		return r, Created, err
	case err != nil:
		return nil, Unchanged, err
	}
	if v.KeepRequests {
		v.Requests = old.Requests
	}
	if old.Contacts == v.Contacts && equalPtr(old.Requests, v.Requests) {
		return old, Unchanged, nil
	}
	u := old.Update().SetContacts(v.Contacts)
	if v.Requests == nil {
		u.ClearRequests()
	} else {
		u.SetRequests(*v.Requests)
	}
	r, err := u.Save(ctx)
	return r, Changed, err
}

func surveyCounts(r *ent.SurveyResult) catalog.SurveyCounts {
	return catalog.SurveyCounts{Respondents: r.Respondents,
		Dissatisfied: [4]int{r.DissatisfiedGeneral, r.DissatisfiedClarity, r.DissatisfiedFriendliness, r.DissatisfiedTimeliness},
		Promoters:    r.NpsPromoters, Passives: r.NpsPassives, Detractors: r.NpsDetractors}
}

func nps(c *catalog.SurveyCounts) [3]*int {
	return [3]*int{&c.Promoters, &c.Passives, &c.Detractors}
}

func equalPtr(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// TargetInput is a satisfaction target to set.
type TargetInput struct {
	// Municipality is nil for the target of every municipality.
	Municipality                       *int
	Name                               string
	BaselineFrom, BaselineTo, Deadline time.Time
	Reduction                          float64
}

// SetTarget creates the municipality's satisfaction target or changes the
// one it has. c must be a transaction's client.
func SetTarget(ctx context.Context, c *ent.Client, in TargetInput) (*ent.SatisfactionTarget, error) {
	q := c.SatisfactionTarget.Query().Where(satisfactiontarget.MunicipalityIDIsNil())
	if in.Municipality != nil {
		q = c.SatisfactionTarget.Query().Where(satisfactiontarget.MunicipalityID(*in.Municipality))
	}
	old, err := q.Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return c.SatisfactionTarget.Create().SetNillableMunicipalityID(in.Municipality).SetName(in.Name).
			SetBaselineFrom(in.BaselineFrom).SetBaselineTo(in.BaselineTo).SetReduction(in.Reduction).
			SetDeadline(in.Deadline).Save(ctx)
	case err != nil:
		return nil, err
	}
	return old.Update().SetName(in.Name).SetBaselineFrom(in.BaselineFrom).SetBaselineTo(in.BaselineTo).
		SetReduction(in.Reduction).SetDeadline(in.Deadline).Save(ctx)
}
