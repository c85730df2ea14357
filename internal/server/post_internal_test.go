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
		"data only":   {Data: data},
		"with errors": {Data: data, Errors: gqlerror.List{{Message: "x"}}},
		"extensions":  {Data: data, Extensions: map[string]any{"cost": 3}},
		"no data":     {Errors: gqlerror.List{{Message: "y"}}},
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
		if name == "data only" && !bytes.Contains(got.Bytes(), data) {
			t.Errorf("data only: %s does not hold the data as written", got.Bytes())
		}
	}
}
