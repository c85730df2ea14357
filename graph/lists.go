package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalList marshals the elements of a list of objects one after another in
// the request's own goroutine. generated.go calls it where gqlgen would call
// graphql.MarshalSliceConcurrently (lists_gen.go rewrites the call), and it
// keeps that function's signature and meaning: each element has its index in
// its field context, and a panic in one element is reported as an error and
// empties the list.
//
// gqlgen starts a goroutine per element. The resolvers load the edges a
// query asks for up front (CollectFields), so the elements wait on nothing
// and the goroutines only cost: each starts on a small stack that gqlgen's
// deep call chain grows and copies, and they contend for the operation's
// field cache. On a page of 50 products with their availabilities (about 500
// elements) that was 40 % of the server's CPU per request under load
// (docs/performance.md). A field that does its own I/O per element (jsonLd)
// now runs one element after another; its complexity cost already keeps such
// lists short.
//
// It is also where an answer's limits hold (answer.go): every list element
// of an answer passes here before it is made, so the count of items stops a
// query whose lists multiply, and the request's deadline stops the making of
// an answer that nobody will wait for.
func marshalList(ctx context.Context, length int, _ int64, omitPanicHandler bool, marshalElement func(context.Context, int) graphql.Marshaler) graphql.Array {
	b, ok := limitList(ctx, length)
	if !ok {
		return nil
	}
	ret := make(graphql.Array, length)
	for i := range length {
		ctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(ctx, i)
			continue
		}
		if !marshalRecovering(ctx, ret, i, marshalElement) {
			return nil
		}
	}
	b.sizeElements(ret)
	return ret
}

// marshalRecovering marshals element i into ret and reports false when it
// panicked, after adding the panic to the response's errors.
func marshalRecovering(ctx context.Context, ret graphql.Array, i int, marshalElement func(context.Context, int) graphql.Marshaler) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ok = false
		}
	}()
	ret[i] = marshalElement(ctx, i)
	return true
}
