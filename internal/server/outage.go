package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/gemeente-rotterdam/catalogus/graph"
)

// While the database cannot be reached, every caller — anonymous, with a
// token, or signed in to the editor — gets JSON with SERVICE_UNAVAILABLE and
// status 503, which tells load balancers and clients to try again, and the
// log says so once as the outage begins and once as it ends, rather than
// once per request.

// answerStatus carries what the GraphQL executor learned about an answer to
// the HTTP layer, which writes the status.
type answerStatus struct{ unavailable atomic.Bool }

type answerStatusKey struct{}

// noteUnavailable is the executor's side: an answer with SERVICE_UNAVAILABLE
// among its errors is answered 503 — which tells clients to send the request
// again — unless a change it made was, or may have been, saved
// (extensions.outcome): sent again, it would be made twice.
func noteUnavailable(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	st, _ := ctx.Value(answerStatusKey{}).(*answerStatus)
	if resp == nil || st == nil {
		return resp
	}
	unavailable := false
	for _, e := range resp.Errors {
		if _, saved := e.Extensions["outcome"]; saved {
			return resp
		}
		unavailable = unavailable || e.Extensions["code"] == graph.CodeUnavailable
	}
	if unavailable {
		st.unavailable.Store(true)
	}
	return resp
}

// unavailableStatus turns the 200 of an answer that found the database
// unreachable into 503.
type unavailableStatus struct {
	http.ResponseWriter
	st    *answerStatus
	wrote bool
}

func (w *unavailableStatus) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if code == http.StatusOK && w.st.unavailable.Load() {
		code = http.StatusServiceUnavailable
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *unavailableStatus) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *unavailableStatus) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withDeadline gives a GraphQL request its deadline and a place for its
// status: resolvers, and the statements they run, are cancelled when the
// request has taken the Timeout.
func withDeadline(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		st := &answerStatus{}
		ctx = context.WithValue(ctx, answerStatusKey{}, st)
		next.ServeHTTP(&unavailableStatus{ResponseWriter: w, st: st}, r.WithContext(ctx))
	})
}

// outage logs the database's outages: one line as the first request is
// answered 503, one as the database answers again. It learns of an outage
// from the status of the answers (every path that meets one answers 503),
// and of its end by pinging the database until it answers.
type outage struct {
	log  *slog.Logger
	ping func(context.Context) error
	down atomic.Bool
	// every is how often it pings during an outage.
	every time.Duration
}

// watch notes the outages that the answers of next reveal.
func (o *outage) watch(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == http.StatusServiceUnavailable {
			o.noticed(r.URL.Path)
		}
	})
}

func (o *outage) noticed(path string) {
	if !o.down.CompareAndSwap(false, true) {
		return
	}
	go o.wait(path)
}

// wait logs the outage and pings until the database answers again.
func (o *outage) wait(path string) {
	start := time.Now()
	err := o.pingOnce()
	if err == nil {
		// A connection failed (say, the server ended it), and the next one works.
		o.log.Warn("a request found the database unreachable; it answers again", "path", path)
		o.down.Store(false)
		return
	}
	o.log.Warn("database unreachable: requests are answered 503 until it is back", "path", path, "err", err)
	for {
		time.Sleep(o.every)
		err := o.pingOnce()
		if err == nil {
			o.log.Info("database reachable again", "down_for", time.Since(start).Round(time.Second))
			o.down.Store(false)
			return
		}
		if err.Error() == "sql: database is closed" {
			// Shut down meanwhile: nothing more to wait for.
			return
		}
	}
}

func (o *outage) pingOnce() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return o.ping(ctx)
}
