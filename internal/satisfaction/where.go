package satisfaction

import (
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/gemeente-rotterdam/catalogus/ent/surveyresult"
)

// Survey results and contact volumes share the columns of their key (the
// MeasurementKey mixin), so one predicate serves both tables; convert it with
// predicate.SurveyResult(…) or predicate.ContactVolume(…).
const (
	colMunicipality = surveyresult.FieldMunicipalityID
	colChannel      = surveyresult.FieldChannelID
	colProduct      = surveyresult.FieldProductID
	colOrganization = surveyresult.FieldOrganizationID
	colPeriod       = surveyresult.FieldPeriod
	colPeriodStart  = surveyresult.FieldPeriodStart
)

// KeyIs selects the measurement with key k: a missing product or unit means
// the column is empty, not "any".
func KeyIs(k Key) func(*sql.Selector) {
	return sql.AndPredicates(
		sql.FieldEQ(colMunicipality, k.Municipality), sql.FieldEQ(colChannel, k.Channel),
		sql.FieldEQ(colPeriod, k.Period), sql.FieldEQ(colPeriodStart, k.Start),
		eqOrNull(colProduct, k.Product), eqOrNull(colOrganization, k.Organization))
}

func eqOrNull(col string, id *int) func(*sql.Selector) {
	if id == nil {
		return sql.FieldIsNull(col)
	}
	return sql.FieldEQ(col, *id)
}

// where selects the measurements of the filter's level that start in
// [from, to).
func (f Filter) where(from, to time.Time) func(*sql.Selector) {
	ps := []func(*sql.Selector){sql.FieldEQ(colMunicipality, f.Municipality),
		sql.FieldGTE(colPeriodStart, from), sql.FieldLT(colPeriodStart, to)}
	if f.Channel != nil {
		ps = append(ps, sql.FieldEQ(colChannel, *f.Channel))
	}
	switch {
	case f.Product != nil:
		ps = append(ps, sql.FieldEQ(colProduct, *f.Product))
	case f.Organization != nil:
		ps = append(ps, sql.FieldIsNull(colProduct), sql.FieldIn(colOrganization, f.Organization...))
	default:
		ps = append(ps, sql.FieldIsNull(colProduct), sql.FieldIsNull(colOrganization))
	}
	return sql.AndPredicates(ps...)
}
