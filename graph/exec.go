package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
)

// Execute runs one GraphQL operation in-process and returns the response the
// API would give over HTTP. The command line uses it so that its JSON output
// has exactly the API's shape.
func Execute(ctx context.Context, r *Resolver, query string, vars map[string]any) *graphql.Response {
	exec := executor.New(NewExecutableSchema(Config{Resolvers: r}))
	ctx = graphql.StartOperationTrace(ctx)
	rc, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: query, Variables: vars})
	if errs != nil {
		return exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
	}
	handler, ctx := exec.DispatchOperation(ctx, rc)
	return handler(ctx)
}
