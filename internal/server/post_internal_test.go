package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// writeAnswer's short way (data as the marshallers wrote it) says the same
// as json.Marshal of the answer, and answers with anything besides data
// still go the long way.
func TestWriteAnswerSaysWhatJSONMarshalSays(t *testing.T) {
	data := json.RawMessage(`{"product":{"name":"Paspoort <aanvragen> & verlengen","phone":null,"n":[1,2.5,"\u00e9"]}}`)
	for name, a := range map[string]*graphql.Response{
		"data only": {Data: data},
		// What gqlgen's executor hands over: an empty map, not nil.
		"no extensions": {Data: data, Extensions: map[string]any{}},
		"with errors":   {Data: data, Errors: gqlerror.List{{Message: "x"}}},
		"extensions":    {Data: data, Extensions: map[string]any{"cost": 3}},
		"no data":       {Errors: gqlerror.List{{Message: "y"}}},
	} {
		var got bytes.Buffer
		writeAnswer(&got, a)
		want, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got.Bytes(), &g); err != nil {
			t.Fatalf("%s: %s is not JSON: %v", name, got.Bytes(), err)
		}
		_ = json.Unmarshal(want, &w)
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		if !bytes.Equal(gb, wb) {
			t.Errorf("%s: wrote %s, json.Marshal says %s", name, got.Bytes(), want)
		}
		if short := name == "data only" || name == "no extensions"; short != bytes.Contains(got.Bytes(), data) {
			// json.Marshal escapes the <, > and & in the data; the short way does not.
			t.Errorf("%s: %s, want the data as written: %v", name, got.Bytes(), short)
		}
	}
}
