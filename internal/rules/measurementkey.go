package rules

import (
	"entgo.io/ent/dialect/sql"

	"github.com/gemeente-rotterdam/catalogus/ent/surveyresult"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// Survey results and contact volumes share the columns of their key (the
// MeasurementKey mixin), so one predicate serves both tables; convert it with
// predicate.SurveyResult(…) or predicate.ContactVolume(…).

// MeasurementKeyIs selects the measurement with key k: a missing product or unit means
// the column is empty, not "any".
func MeasurementKeyIs(k catalog.MeasurementKey) func(*sql.Selector) {
	return sql.AndPredicates(
		sql.FieldEQ(surveyresult.FieldMunicipalityID, k.Municipality), sql.FieldEQ(surveyresult.FieldChannelID, k.Channel),
		sql.FieldEQ(surveyresult.FieldPeriod, k.Period), sql.FieldEQ(surveyresult.FieldPeriodStart, k.Start),
		eqOrNull(surveyresult.FieldProductID, k.Product), eqOrNull(surveyresult.FieldOrganizationID, k.Organization))
}

func eqOrNull(col string, id *int) func(*sql.Selector) {
	if id == nil {
		return sql.FieldIsNull(col)
	}
	return sql.FieldEQ(col, *id)
}
