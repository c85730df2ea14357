package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/graph"
)

// limitBody refuses request bodies above max bytes with a clear error;
// uploads (see upload) may reach maxUpload.
func limitBody(max, maxUpload int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max := max
		if upload(r) {
			max = maxUpload
		}
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

// isMutation matches a document that holds a mutation; those are never cached.
var isMutation = regexp.MustCompile(`(^|[\s}])mutation\b`)

// conditional serves anonymous reads: it answers them with an ETag derived
// from the catalogue's version and the request, and a matching If-None-Match
// with 304 without running the query; with a response cache it keeps their
// answers and serves the next identical request from memory. Responses say
// `Cache-Control: no-cache`: a shared cache may keep them but must
// revalidate, so nobody reads a page older than the last committed change.
// The catalogue's version lives in the database, so every server instance
// agrees on it. Authenticated requests are never cached anywhere.
//
// Answers that depend on the clock as well (coverage "now", today's gaps,
// countryCoverage, an answer's currency, …) get no ETag, and the cache
// shares them for at most clockWindow: their asOf says which moment they
// describe. Which answers those are, the resolvers say as they run
// (graph.ClockWatch): a list of field names to look for in the query's text
// misses a field added later, and once missed countryCoverage, whose answer
// then stood still until the catalogue changed.
//
// Only answers to GET carry an ETag: HTTP caches neither keep nor revalidate
// answers to POST, so there it would serve nobody. Without a response cache a
// POST is therefore passed on as it is, without reading the version (one
// statement fewer on every uncached read).
//
// With read replicas (replicas.go) the database is chosen here: the primary
// for callers with a token and for anything but a query, otherwise the
// database whose version the ETag carries also answers the query.
func conditional(rd *readers, cache *responseCache, now func() time.Time, m *metrics) http.Handler {
	primary := rd.primary.api
	replicas := len(rd.replicas) > 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("Cache-Control", "private, no-store")
			primary.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Add("Vary", "Accept")
		var key []byte
		switch r.Method {
		case http.MethodGet:
			if r.URL.Query().Get("query") == "" {
				// A persisted query's hash alone: what it asks is not visible
				// here; by GET it can only be a query (getQueries).
				rd.anyReader(r.Context()).api.ServeHTTP(w, r)
				return
			}
			key = []byte("GET " + r.URL.RawQuery)
		case http.MethodPost:
			if !jsonBody(r) || (cache == nil && !replicas) {
				// A body refused further in, or nothing to keep and one
				// database to ask.
				primary.ServeHTTP(w, r)
				return
			}
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
			if req.Query == "" || isMutation.MatchString(req.Query) || (replicas && !readOnlyDocument(req.Query)) {
				// The regular expression is cheap and may err towards a
				// mutation; a replica takes only what parses as queries.
				primary.ServeHTTP(w, r)
				return
			}
			if cache == nil {
				rd.anyReader(r.Context()).api.ServeHTTP(w, r)
				return
			}
			key = append([]byte("POST "), body...)
		default:
			primary.ServeHTTP(w, r)
			return
		}
		// The answer's form follows the Accept header.
		key = append(append(key, "\nAccept: "...), r.Header.Get("Accept")...)
		src, v, err := rd.versioned(r.Context())
		next := src.api
		if err != nil {
			next.ServeHTTP(w, r) // the query will report the database's trouble itself
			return
		}
		sum := sha256.Sum256(key)
		id := "v" + strconv.FormatInt(v, 10) + "-" + hex.EncodeToString(sum[:12])
		etag := ""
		if r.Method == http.MethodGet {
			// An answer that depends on the clock never got this ETag, so a
			// client cannot hold it for one.
			etag = `"` + id + `"`
			if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
				w.Header().Set("ETag", etag)
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		// The full key, not its hash, so that two requests never share an answer.
		full := id + "\n" + string(key)
		if cache != nil {
			if e := cache.get(full, now()); e != nil {
				m.responseCache.WithLabelValues("hit").Inc()
				if etag != "" && e.expires.IsZero() {
					w.Header().Set("ETag", etag)
				}
				w.Header().Set("Content-Type", e.contentType)
				w.Header().Set("X-Cache", "hit")
				_, _ = w.Write(e.body)
				return
			}
			m.responseCache.WithLabelValues("miss").Inc()
			w.Header().Set("X-Cache", "miss")
		}
		clock := &graph.ClockWatch{}
		c := &capture{ResponseWriter: w, before: func() {
			if etag != "" && !clock.Used() {
				w.Header().Set("ETag", etag)
			}
		}}
		if cache != nil {
			c.limit = cache.maxEntry
		} else {
			c.overflow = true // nothing to keep
		}
		next.ServeHTTP(c, r.WithContext(graph.WithClockWatch(r.Context(), clock)))
		if cache != nil && c.cacheable() {
			e := &cachedResponse{key: full, contentType: w.Header().Get("Content-Type"), body: bytes.Clone(c.buf.Bytes())}
			if clock.Used() {
				e.expires = now().Add(clockWindow)
			}
			cache.put(e)
			m.responseCacheBytes.Set(float64(cache.bytes()))
		}
	})
}

// clockWindow is how long the response cache shares an answer that depends
// on the clock.
const clockWindow = 10 * time.Second

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
