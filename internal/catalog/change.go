package catalog

import (
	"encoding/json"
	"strings"
)

// FieldChange is one field of one change-log event: its value before and after
// the change, JSON-encoded. Old is null for a created record, New is null for a
// deleted one.
type FieldChange struct {
	Field string          `json:"field"`
	Old   json.RawMessage `json:"old"`
	New   json.RawMessage `json:"new"`
}

// APIName turns a field's name in the schema and the change log
// (planned_date) into its name in the API (plannedDate).
func APIName(field string) string {
	parts := strings.Split(field, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
