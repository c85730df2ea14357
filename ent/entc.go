//go:build ignore

// entc.go runs Ent's code generator with the GraphQL extension. It writes the
// Go code under ent/ and the GraphQL schema for Ent types (graph/ent.graphql);
// gqlgen then reads that file (see graph/generate.go). Run it through
// `go generate ./...`, never by hand-editing the output.
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema/field"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("../gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("../graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithNodeDescriptor(false),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./schema", &gen.Config{
		// Only the features the code uses: each one generates thousands of
		// lines (EntQL, Lock, Modifier and Upsert were dropped for that reason).
		Features: []gen.Feature{
			gen.FeatureGlobalID,
			gen.FeatureVersionedMigration,
			gen.FeaturePrivacy,
			gen.FeatureIntercept,
			gen.FeatureSnapshot,
			gen.FeatureExecQuery,
		},
	},
		entc.Extensions(ex),
		entc.TemplateDir("./template"),
		// The change log reads "now" from the client's clock, so tests control time.
		entc.Dependency(
			entc.DependencyName("Clock"),
			entc.DependencyTypeInfo(&field.TypeInfo{
				Ident:   "clock.Clock",
				PkgPath: "github.com/gemeente-rotterdam/catalogus/internal/clock",
			}),
		),
	)
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}
