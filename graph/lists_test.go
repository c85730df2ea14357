package graph

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

func listContext() context.Context {
	quiet := func(_ context.Context, v any) error { return fmt.Errorf("internal error: %v", v) }
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, quiet)
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{}})
}

// Each element knows its own index: errors name the element they are about.
func TestMarshalListGivesEachElementItsIndex(t *testing.T) {
	ctx := listContext()
	got := marshalList(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if i == 1 {
			graphql.AddErrorf(ctx, "element %d is wrong", i)
		}
		return graphql.MarshalInt(*graphql.GetFieldContext(ctx).Index * 10)
	})
	if len(got) != 3 {
		t.Fatalf("%d elements, want 3", len(got))
	}
	for i, m := range got {
		var b bytes.Buffer
		m.MarshalGQL(&b)
		if want := fmt.Sprint(i * 10); b.String() != want {
			t.Errorf("element %d is %s, want %s", i, b.String(), want)
		}
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "[1]" {
		t.Fatalf("errors %v, want one at path 1", errs)
	}
}

// A panic in one element is an error in the response and empties the list,
// as gqlgen's concurrent form does; the server keeps running.
func TestMarshalListRecoversFromAPanic(t *testing.T) {
	ctx := listContext()
	got := marshalList(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if i == 2 {
			panic("broken element")
		}
		return graphql.MarshalInt(i)
	})
	if got != nil {
		t.Fatalf("list %v after a panic, want none", got)
	}
	if errs := graphql.GetErrors(ctx); len(errs) != 1 {
		t.Fatalf("errors %v, want the panic as one", errs)
	}
}
