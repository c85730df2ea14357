// Package graph serves the catalogue over GraphQL. ent.graphql is written by
// Ent (see ent/entc.go), catalogus.graphql is ours; gqlgen turns both into
// generated.go, and the resolvers in *.resolvers.go stay thin: they call Ent
// and the domain packages under internal/.
package graph

//go:generate go tool gqlgen generate
