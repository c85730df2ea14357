//go:build ignore

// snapshot_gen.go writes graph/schema.graphql, the snapshot of the served
// schema; go generate runs it after gqlgen.
package main

import (
	"log"
	"os"

	"github.com/gemeente-rotterdam/catalogus/graph"
)

func main() {
	if err := os.WriteFile("schema.graphql", []byte(graph.SchemaSDL()), 0o644); err != nil {
		log.Fatal(err)
	}
}
