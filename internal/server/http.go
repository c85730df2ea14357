package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// limitBody refuses request bodies above max bytes with a clear error.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT",
				"the request body is "+strconv.FormatInt(r.ContentLength, 10)+" bytes; at most "+strconv.FormatInt(max, 10)+" are allowed")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// writeGraphQLError answers with a GraphQL error body and no data.
func writeGraphQLError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]string{"code": code}}},
	})
}

// cors lets the configured origins call the API from a browser; with no
// origins configured, cross-origin browser calls stay closed.
func cors(origins []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		w.Header().Add("Vary", "Origin")
		allowed := origin != "" && (slices.Contains(origins, origin) || slices.Contains(origins, "*"))
		if allowed {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, If-None-Match")
			h.Set("Access-Control-Expose-Headers", "ETag, X-Request-Id")
			h.Set("Access-Control-Max-Age", "600")
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if !allowed {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// timeDependent matches queries whose answer changes with the clock, not
// only with the catalogue: coverage "now", today's gaps.
var timeDependent = regexp.MustCompile(`\b(coverage|coverageHistory|gaps|notApplicableReview)\b`)

// isMutation matches a document that holds a mutation; those are never cached.
var isMutation = regexp.MustCompile(`(^|[\s}])mutation\b`)

// catalogueVersion is the newest change-log entry: every change to the
// catalogue writes one, so all server instances agree on it.
func catalogueVersion(ctx context.Context, db *sql.DB) (int64, error) {
	var v int64
	err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM change_events").Scan(&v)
	return v, err
}

// conditional answers anonymous reads with an ETag derived from the
// catalogue's version and the request, and a matching If-None-Match with 304
// without running the query. Responses say `Cache-Control: no-cache`: a
// shared cache may keep them but must revalidate, so nobody reads a page
// older than the last committed change. Authenticated requests are never
// cached anywhere.
func conditional(db *sql.DB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("Cache-Control", "private, no-store")
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		var key []byte
		switch r.Method {
		case http.MethodGet:
			if timeDependent.MatchString(r.URL.Query().Get("query")) {
				next.ServeHTTP(w, r)
				return
			}
			key = []byte("GET " + r.URL.RawQuery)
		case http.MethodPost:
			body, err := io.ReadAll(r.Body)
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					writeGraphQLError(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "the request body is too large")
					return
				}
				writeGraphQLError(w, http.StatusBadRequest, "BAD_REQUEST", "the request body could not be read")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			var req struct {
				Query string `json:"query"`
			}
			_ = json.Unmarshal(body, &req)
			if req.Query == "" || timeDependent.MatchString(req.Query) || isMutation.MatchString(req.Query) {
				next.ServeHTTP(w, r)
				return
			}
			key = append([]byte("POST "), body...)
		default:
			next.ServeHTTP(w, r)
			return
		}
		v, err := catalogueVersion(r.Context(), db)
		if err != nil {
			next.ServeHTTP(w, r) // the query will report the database's trouble itself
			return
		}
		sum := sha256.Sum256(key)
		etag := `"v` + strconv.FormatInt(v, 10) + "-" + hex.EncodeToString(sum[:12]) + `"`
		w.Header().Set("ETag", etag)
		if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
