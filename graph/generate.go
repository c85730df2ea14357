// Package graph serves the catalogue over GraphQL. ent.graphql is written by
// Ent (see ent/entc.go), the other .graphql files are ours; gqlgen turns them
// into generated.go, and the resolvers in *.resolvers.go stay thin: they call
// Ent and the domain packages under internal/. schema.graphql is a snapshot
// of the served schema: the API's contract with outside dashboards and websites.
package graph

//go:generate go tool gqlgen generate
//go:generate go run lists_gen.go
//go:generate go run snapshot_gen.go
