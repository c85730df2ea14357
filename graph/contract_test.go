package graph_test

import (
	"os"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/schemacheck"
)

// TestSchemaContract keeps the API's contract in view: schema.graphql is the
// schema served, and it breaks nothing of schema.released.graphql, the
// schema outside dashboards and websites were built against.
func TestSchemaContract(t *testing.T) {
	served := graph.SchemaSDL()
	snapshot, err := os.ReadFile("schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if string(snapshot) != served {
		t.Error("graph/schema.graphql differs from the served schema; run `go generate ./...` and commit it")
	}
	released, err := os.ReadFile("schema.released.graphql")
	if err != nil {
		t.Fatal(err)
	}
	breaks, err := schemacheck.Breaking(string(released), served)
	if err != nil {
		t.Fatal(err)
	}
	if len(breaks) > 0 {
		t.Errorf("the schema breaks clients built against schema.released.graphql:\n  %s\n"+
			"If the break is deliberate, announce it to the API's users, then copy schema.graphql over schema.released.graphql.",
			strings.Join(breaks, "\n  "))
	}
}
