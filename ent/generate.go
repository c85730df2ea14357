// Package ent holds the code Ent generates from the schema in ent/schema.
// Edit the schema, then run `go generate ./...`.
package ent

//go:generate go run entc.go
