package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/clientaddr"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// authenticate puts the caller's viewer in the request context. Without an
// Authorization header the caller is anonymous; a wrong, unknown or revoked
// token is refused with UNAUTHENTICATED, never treated as anonymous.
//
// Failed attempts are logged in the security log and counted per client: a
// client that fails too often is refused (429) for the rest of the period,
// whatever it sends.
func authenticate(tokens auth.Tokens, clients clientaddr.Resolver, limit *throttle, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		client := clients.Of(r)
		if limit.blocked(client) {
			w.Header().Set("Retry-After", strconv.Itoa(int(limit.period.Seconds())))
			writeGraphQLError(w, http.StatusTooManyRequests, "UNAUTHENTICATED", "too many failed sign-ins from this address; try again later")
			return
		}
		failed := func(reason string) {
			ctx := context.WithoutCancel(r.Context())
			if err := auth.Record(ctx, tokens.Client, auth.AuthFailed, "token", client, reason); err != nil {
				log.Error("writing the security log", "err", err)
			}
			if limit.fail(client) {
				log.Warn("client shut out after failed sign-ins", "client", client)
				_ = auth.Record(ctx, tokens.Client, auth.AuthThrottled, "token", client, "too many failed sign-ins")
			}
			unauthenticated(w, reason)
		}
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			failed("the Authorization header must read `Bearer <token>`")
			return
		}
		v, err := tokens.Authenticate(r.Context(), token)
		switch {
		case errors.Is(err, auth.ErrUnauthenticated):
			failed("the API token is wrong, unknown or revoked")
			return
		case err != nil:
			if store.Unreachable(err) {
				// A token caller gets what every caller gets in an outage;
				// the server logs the outage once (outage.go).
				writeGraphQLError(w, http.StatusServiceUnavailable, graph.CodeUnavailable, graph.UnavailableMessage)
				return
			}
			log.Error("authenticating a request", "request_id", RequestID(r.Context()), "err", err)
			writeGraphQLError(w, http.StatusInternalServerError, graph.CodeInternal, "internal error; quote request "+RequestID(r.Context())+" when you report it")
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), v)))
	})
}

// unauthenticated answers 401 with a GraphQL error body.
func unauthenticated(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="catalogus"`)
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]string{"code": "UNAUTHENTICATED"}}},
	})
}
