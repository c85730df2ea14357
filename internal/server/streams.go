package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/clientaddr"
)

// CodeTooManyStreams is the code of a subscription refused because the
// server, or the caller, holds as many open streams as it may.
const CodeTooManyStreams = "TOO_MANY_STREAMS"

// StreamLimits bound the subscriptions (GraphQL over Server-Sent Events). An
// open stream holds a connection and a goroutine, and is answered again after
// every change, so their number is what costs.
type StreamLimits struct {
	// Max is the most streams the server holds open at once; PerClient the
	// most one client address may.
	Max, PerClient int
	// Lifetime ends each stream (with the event complete) so that a client
	// reconnects now and then: through a balancer that may have moved it,
	// with a session that may have ended.
	Lifetime time.Duration
	// KeepAlive is how often an idle stream sends a comment, so that
	// proxies between do not close it as idle.
	KeepAlive time.Duration
}

// DefaultStreamLimits are serve's.
var DefaultStreamLimits = StreamLimits{Max: 500, PerClient: 8, Lifetime: 30 * time.Minute, KeepAlive: 25 * time.Second}

func (l StreamLimits) withDefaults() StreamLimits {
	d := DefaultStreamLimits
	if l.Max > 0 {
		d.Max = l.Max
	}
	if l.PerClient > 0 {
		d.PerClient = l.PerClient
	}
	if l.Lifetime > 0 {
		d.Lifetime = l.Lifetime
	}
	if l.KeepAlive > 0 {
		d.KeepAlive = l.KeepAlive
	}
	return d
}

// wantsStream tells a request for a stream (the graphql-sse protocol: a POST
// that accepts text/event-stream) from any other.
func wantsStream(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// streams admits the requests for a stream within its limits and serves them
// without the deadline of other requests; it passes every other request on.
type streams struct {
	live, rest http.Handler
	limits     StreamLimits
	clients    clientaddr.Resolver
	m          *metrics

	mu       sync.Mutex
	open     int
	byClient map[string]int
}

func newStreams(live, rest http.Handler, limits StreamLimits, clients clientaddr.Resolver, m *metrics) *streams {
	return &streams{live: live, rest: rest, limits: limits, clients: clients, m: m, byClient: map[string]int{}}
}

func (s *streams) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !wantsStream(r) {
		s.rest.ServeHTTP(w, r)
		return
	}
	if !jsonBody(r) {
		writeGraphQLError(w, http.StatusUnsupportedMediaType, graph.CodeBadRequest,
			"send a subscription as POST with Content-Type: application/json and Accept: text/event-stream")
		return
	}
	client := s.clients.Of(r)
	if msg := s.admit(client); msg != "" {
		w.Header().Set("Retry-After", "60")
		writeGraphQLError(w, http.StatusTooManyRequests, CodeTooManyStreams, msg)
		return
	}
	defer s.release(client)
	ctx, cancel := context.WithTimeout(r.Context(), s.limits.Lifetime)
	defer cancel()
	if stop, ok := r.Context().Value(shuttingDownKey{}).(<-chan struct{}); ok {
		// The server's shutdown waits for requests to end; a stream ends at
		// once (clients reconnect to another instance).
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	// The server's write timeout is for answers, not for streams.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.limits.Lifetime + time.Minute))
	w.Header().Set("Cache-Control", "no-store")
	s.live.ServeHTTP(w, r.WithContext(ctx))
}

func (s *streams) admit(client string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.open >= s.limits.Max:
		return fmt.Sprintf("the server holds %d open streams, as many as it may; try again later, or ask without Accept: text/event-stream", s.limits.Max)
	case s.byClient[client] >= s.limits.PerClient:
		return fmt.Sprintf("you hold %d open streams, as many as one client may; close one first", s.limits.PerClient)
	}
	s.open++
	s.byClient[client]++
	s.m.streams.Set(float64(s.open))
	return ""
}

func (s *streams) release(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open--
	if s.byClient[client]--; s.byClient[client] <= 0 {
		delete(s.byClient, client)
	}
	s.m.streams.Set(float64(s.open))
}

// shuttingDownKey holds, in every request's context, a channel that Run
// closes when the server begins to shut down.
type shuttingDownKey struct{}

// operationKinds keeps subscriptions to streams and everything else off
// them: a query over a stream would escape the request deadline, a
// subscription over a plain POST would answer once and hold its resolver.
type operationKinds struct{ stream bool }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = operationKinds{}

func (operationKinds) ExtensionName() string                   { return "OperationKinds" }
func (operationKinds) Validate(graphql.ExecutableSchema) error { return nil }
func (k operationKinds) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	sub := rc.Operation.Operation == ast.Subscription
	switch {
	case sub && !k.stream:
		return &gqlerror.Error{Message: "subscriptions are answered as Server-Sent Events: send the request with Accept: text/event-stream",
			Extensions: map[string]any{"code": graph.CodeBadRequest}}
	case !sub && k.stream:
		return &gqlerror.Error{Message: fmt.Sprintf("a stream (Accept: text/event-stream) serves subscriptions only; send this %s without it", rc.Operation.Operation),
			Extensions: map[string]any{"code": graph.CodeBadRequest}}
	}
	return nil
}
