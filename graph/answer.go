package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The codes of the limits that hold while a query runs (the cost limit,
// checked before, is the server's).
const (
	// CodeAnswerTooLarge: the answer would hold more list items or bytes than
	// one answer may.
	CodeAnswerTooLarge = "ANSWER_TOO_LARGE"
	// CodeTimeout: the request ran out of time.
	CodeTimeout = "QUERY_TIMEOUT"
)

// AnswerLimits bound what one answer may hold, whatever the cost model
// estimated beforehand: the estimate rests on the largest lists in the
// database when the server started, and these hold when the data has grown
// since, or when a list is larger than anyone expected. They are enforced
// while the answer is made (marshalList), so a query that would answer 60 MB
// stops at the limit and answers one error instead.
type AnswerLimits struct {
	// MaxItems caps the elements of all lists in one answer together, at
	// every depth; 0 means no cap.
	MaxItems int
	// MaxBytes caps the size of the answer's JSON; 0 means no cap.
	MaxBytes int
}

// AnswerLimit is the gqlgen extension that enforces AnswerLimits and the
// request's deadline while an answer is made: marshalList counts the items
// and stops when the request's context is done, and the bytes are counted
// as the answer is written.
type AnswerLimit AnswerLimits

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = AnswerLimit{}

func (AnswerLimit) ExtensionName() string                   { return "AnswerLimit" }
func (AnswerLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l AnswerLimit) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, budgetKey{}, &budget{limits: AnswerLimits(l)}))
}

// InterceptResponse replaces an answer that went over a limit by one error:
// a cut-off answer would look complete to the caller. A mutation's changes
// are made before its answer is, so its errors stay and the limit's error
// says that the changes went through.
func (l AnswerLimit) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	b, _ := ctx.Value(budgetKey{}).(*budget)
	if resp == nil || b == nil {
		return resp
	}
	mutation := graphql.HasOperationContext(ctx) && graphql.GetOperationContext(ctx).Operation != nil &&
		graphql.GetOperationContext(ctx).Operation.Operation == ast.Mutation
	var code, msg string
	switch b.stopped.Load() {
	case stopItems:
		code, msg = CodeAnswerTooLarge, fmt.Sprintf("the answer would hold more than %d list items; ask for smaller pages or fewer nested lists", l.MaxItems)
	case stopBytes:
		code, msg = CodeAnswerTooLarge, fmt.Sprintf("the answer would be larger than %d bytes; ask for smaller pages or fewer fields", l.MaxBytes)
	case stopDeadline:
		code, msg = CodeTimeout, timeoutMessage
	default:
		if mutation || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return resp
		}
		code, msg = CodeTimeout, timeoutMessage
	}
	limit := &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
	if !mutation {
		return &graphql.Response{Errors: gqlerror.List{limit}}
	}
	limit.Message += "; the changes themselves were made (unless another error says otherwise): read them back with a query"
	limit.Extensions["outcome"] = "SAVED"
	return &graphql.Response{Errors: append(resp.Errors, limit)}
}

const timeoutMessage = "the query took longer than a request may take; ask for less at a time"

type budgetKey struct{}

const (
	stopNone int32 = iota
	stopItems
	stopBytes
	stopDeadline
)

// budget is what one answer has used of its limits. Resolver fields run in
// goroutines of their own, so the counts are atomic.
type budget struct {
	limits  AnswerLimits
	items   atomic.Int64
	stopped atomic.Int32
}

func (b *budget) stop(reason int32) { b.stopped.CompareAndSwap(stopNone, reason) }

// take counts n more list items and reports whether the answer may hold
// them; it also stops the answer once the request's deadline has passed.
func (b *budget) take(ctx context.Context, n int) bool {
	if b.stopped.Load() != stopNone {
		return false
	}
	if ctx.Err() != nil {
		b.stop(stopDeadline)
		return false
	}
	if b.limits.MaxItems > 0 && b.items.Add(int64(n)) > int64(b.limits.MaxItems) {
		b.stop(stopItems)
		return false
	}
	return true
}

// sized writes a list element unless the answer written so far is already
// over its size: the elements of every list at every depth pass here, so an
// answer goes over its limit by at most one innermost element before it
// stops growing. gqlgen writes an answer into a bytes.Buffer, whose Len
// tells the size so far.
type sized struct {
	graphql.Marshaler
	b *budget
}

func (s *sized) MarshalGQL(w io.Writer) {
	if s.b.stopped.Load() != stopNone {
		_, _ = io.WriteString(w, "null")
		return
	}
	if l, ok := w.(interface{ Len() int }); ok && l.Len() > s.b.limits.MaxBytes {
		s.b.stop(stopBytes)
		_, _ = io.WriteString(w, "null")
		return
	}
	s.Marshaler.MarshalGQL(w)
}

// limitList applies the answer's budget to a list marshalList made: false
// when the list may not be made at all.
func limitList(ctx context.Context, length int) (*budget, bool) {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	if b == nil {
		return nil, true
	}
	return b, b.take(ctx, length)
}

// sizeElements wraps the elements of a list so that writing them stops at
// the answer's size limit. Null elements stay as they are: the generated
// code looks for them to null the list.
func (b *budget) sizeElements(ret graphql.Array) {
	if b == nil || b.limits.MaxBytes <= 0 || len(ret) == 0 {
		return
	}
	wrapped := make([]sized, len(ret))
	for i, m := range ret {
		if m == graphql.Null || m == nil {
			continue
		}
		wrapped[i] = sized{Marshaler: m, b: b}
		ret[i] = &wrapped[i]
	}
}
