//go:build ignore

// lists_gen.go makes generated.go marshal lists with marshalList (lists.go)
// instead of gqlgen's MarshalSliceConcurrently; go generate runs it after
// gqlgen. gqlgen has no setting for this, and the concurrent form costs more
// than it gives here: see lists.go and docs/performance.md.
package main

import (
	"bytes"
	"log"
	"os"
)

func main() {
	const file = "generated.go"
	src, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	from, to := []byte("graphql.MarshalSliceConcurrently("), []byte("marshalList(")
	n := bytes.Count(src, from)
	if n == 0 && !bytes.Contains(src, to) {
		// A gqlgen upgrade changed how lists are marshalled: look again
		// rather than let the figures in docs/performance.md go stale.
		log.Fatalf("%s: gqlgen no longer calls MarshalSliceConcurrently; see lists.go", file)
	}
	if err := os.WriteFile(file, bytes.ReplaceAll(src, from, to), 0o644); err != nil {
		log.Fatal(err)
	}
}
