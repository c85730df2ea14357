package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// authenticate puts the caller's viewer in the request context. Without an
// Authorization header the caller is anonymous; a wrong, unknown or revoked
// token is refused with UNAUTHENTICATED, never treated as anonymous.
func authenticate(tokens auth.Tokens, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			unauthenticated(w, "the Authorization header must read `Bearer <token>`")
			return
		}
		v, err := tokens.Authenticate(r.Context(), token)
		switch {
		case errors.Is(err, auth.ErrUnauthenticated):
			unauthenticated(w, "the API token is wrong, unknown or revoked")
			return
		case err != nil:
			log.Error("authenticating a request", "request_id", RequestID(r.Context()), "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
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
