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
