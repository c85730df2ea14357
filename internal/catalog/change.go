package catalog

import "encoding/json"

// FieldChange is one field of one change-log event: its value before and after
// the change, JSON-encoded. Old is null for a created record, New is null for a
// deleted one.
type FieldChange struct {
	Field string          `json:"field"`
	Old   json.RawMessage `json:"old"`
	New   json.RawMessage `json:"new"`
}
