package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/clientaddr"
	"github.com/gemeente-rotterdam/catalogus/internal/dberr"
)

// authenticate puts the caller's viewer in the request context. Without an
// Authorization header the caller is anonymous; a wrong, unknown or revoked
// token is refused with UNAUTHENTICATED, never treated as anonymous.
//
// Failed attempts are logged in the security log and counted per client and
// per token presented; a client or a token that failed too often is refused
// (429) for the rest of the period, and its further failures are no longer
// logged one by one. A correct token is always let through, even from a
// client shut out by someone else's failures (behind a load balancer that
// does not name its clients, everyone is one client). This tells a shut-out
// guesser that a guess was right, which is harmless: tokens are 256 random
// bits, so no number of guesses finds one.
func authenticate(tokens auth.Tokens, clients clientaddr.Resolver, limit *throttle, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		client := clients.Of(r)
		tooMany := func() {
			w.Header().Set("Retry-After", strconv.Itoa(int(limit.period.Seconds())))
			writeGraphQLError(w, http.StatusTooManyRequests, "UNAUTHENTICATED", "too many failed sign-ins from this address or with this token; try again later")
		}
		failed := func(reason string, keys ...string) {
			admitted, shut := limit.fail(keys...)
			if !admitted {
				tooMany()
				return
			}
			ctx := context.WithoutCancel(r.Context())
			if err := auth.Record(ctx, tokens.Client, auth.AuthFailed, "token", client, reason); err != nil {
				log.Error("writing the security log", "err", err)
			}
			for _, k := range shut {
				detail := "too many failed sign-ins from this address"
				if strings.HasPrefix(k, tokenKeyPrefix) {
					detail = "too many failed sign-ins with one token"
				}
				log.Warn("shut out after failed sign-ins", "client", client, "detail", detail)
				_ = auth.Record(ctx, tokens.Client, auth.AuthThrottled, "token", client, detail)
			}
			unauthenticated(w, reason)
		}
		clientKey := "client:" + client
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			failed("the Authorization header must read `Bearer <token>`", clientKey)
			return
		}
		tokenKey := tokenKeyOf(token)
		if limit.blocked(tokenKey) {
			// This very token failed too often, so it is wrong: a token once
			// refused never becomes right (revocation is final, new tokens
			// are random). No need to ask the database again.
			tooMany()
			return
		}
		v, err := tokens.Authenticate(r.Context(), token)
		switch {
		case errors.Is(err, auth.ErrUnauthenticated):
			failed("the API token is wrong, unknown or revoked", clientKey, tokenKey)
			return
		case err != nil:
			if dberr.Unreachable(err) {
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

const tokenKeyPrefix = "token:"

// tokenKeyOf is the throttle's name for a presented token: a hash, so that
// the map holds no usable token, of the token as Authenticate reads it.
func tokenKeyOf(token string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return tokenKeyPrefix + hex.EncodeToString(sum[:16])
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
