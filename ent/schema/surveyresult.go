package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// SurveyResult is what residents answered about their contact with the city
// through one channel in one month or quarter, optionally for one product or
// one organization unit: how many answered, how many of them were
// dissatisfied on each of the plan's four indicators (general satisfaction,
// clarity, friendliness, timeliness), and the NPS question split into
// promoters (9–10), passives (7–8) and detractors (0–6).
//
// Counts, not percentages, are stored so that shares over several channels or
// periods are weighted by respondents, never averaged.
type SurveyResult struct {
	ent.Schema
}

// Mixin of SurveyResult.
func (SurveyResult) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, MeasurementKey{}}
}

// Fields of SurveyResult.
func (SurveyResult) Fields() []ent.Field {
	return []ent.Field{
		field.Int("respondents").
			NonNegative().
			Comment("Residents who answered the satisfaction questions."),
		field.Int("dissatisfied_general").
			NonNegative().
			Comment("Respondents dissatisfied in general (algemene tevredenheid)."),
		field.Int("dissatisfied_clarity").
			NonNegative().
			Comment("Respondents who found the answer unclear (duidelijkheid)."),
		field.Int("dissatisfied_friendliness").
			NonNegative().
			Comment("Respondents dissatisfied with the friendliness (vriendelijkheid)."),
		field.Int("dissatisfied_timeliness").
			NonNegative().
			Comment("Respondents dissatisfied with how quickly they were helped (tijdigheid)."),
		field.Int("nps_promoters").
			NonNegative().
			Default(0).
			Comment("NPS answers of 9 or 10."),
		field.Int("nps_passives").
			NonNegative().
			Default(0).
			Comment("NPS answers of 7 or 8."),
		field.Int("nps_detractors").
			NonNegative().
			Default(0).
			Comment("NPS answers of 0 to 6."),
	}
}

// Indexes of SurveyResult: reports read a municipality's results by period.
func (SurveyResult) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("municipality_id", "period_start"),
	}
}

// Annotations of SurveyResult: the API has its own types for results.
func (SurveyResult) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Hooks of SurveyResult: its rules, then the change log.
func (SurveyResult) Hooks() []ent.Hook {
	return []ent.Hook{
		measurementRules(),
		changelog.Hook(),
	}
}

// Policy of SurveyResult: public figures, changed by the municipality's admins.
func (SurveyResult) Policy() ent.Policy {
	return auth.MunicipalityPolicy()
}
