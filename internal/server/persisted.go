package server

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// byteCache keeps values by string key, least recently used first out, in a
// budget of bytes rather than of entries: a cache of 1,000 entries holds
// 1,000 queries of 1 MB as readily as 1,000 of 1 kB. An entry that would take
// more than maxEntry is not kept at all.
type byteCache[T any] struct {
	mu       sync.Mutex
	budget   int64
	size     int64
	cost     func(key string, v T) int64
	order    *list.List // front: most recently used
	entries  map[string]*list.Element
	maxEntry int64
}

type cacheEntry[T any] struct {
	key  string
	v    T
	cost int64
}

func newByteCache[T any](budget, maxEntry int64, cost func(string, T) int64) *byteCache[T] {
	return &byteCache[T]{budget: budget, maxEntry: maxEntry, cost: cost, order: list.New(), entries: map[string]*list.Element{}}
}

// maxKeptQuery is the longest query kept parsed or persisted: the longest
// query of the docs, the dashboard and the editor has about 1,500
// characters. A longer one is parsed for every request that sends it.
const maxKeptQuery = 64 << 10

var _ graphql.Cache[string] = (*byteCache[string])(nil)

func (c *byteCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		var none T
		return none, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry[T]).v, true
}

func (c *byteCache[T]) Add(_ context.Context, key string, v T) {
	cost := c.cost(key, v)
	if cost > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.size -= el.Value.(*cacheEntry[T]).cost
		c.order.Remove(el)
	}
	c.entries[key] = c.order.PushFront(&cacheEntry[T]{key: key, v: v, cost: cost})
	c.size += cost
	for c.size > c.budget {
		last := c.order.Back()
		old := last.Value.(*cacheEntry[T])
		c.order.Remove(last)
		delete(c.entries, old.key)
		c.size -= old.cost
	}
}

// bytes reports what the cache holds, for tests.
func (c *byteCache[T]) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// documentCost estimates what a parsed query document takes in memory: its
// text, which the cache keys on, and the syntax tree, measured at about 23
// times the text for the queries in the docs.
func documentCost(query string, _ *ast.QueryDocument) int64 { return int64(len(query)) * 25 }

const maxDocumentCost = maxKeptQuery * 25

func persistedCost(hash, query string) int64 { return int64(len(hash) + len(query) + 64) }

const maxPersistedCost = maxKeptQuery + 128

// persistedQueries implements automatic persisted queries (the protocol of
// Apollo's clients, as gqlgen's extension.AutomaticPersistedQuery does): a
// client sends a query's SHA-256 hash instead of its text once the server
// knows it. Unlike gqlgen's extension, a query is kept only after it parsed,
// validated and passed every limit — the extension is the last to look at an
// operation — and the queries are kept in a budget of bytes: unknown clients
// cannot fill the memory with registrations of large or broken queries.
type persistedQueries struct{ cache *byteCache[string] }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = persistedQueries{}

func (persistedQueries) ExtensionName() string                   { return "PersistedQueries" }
func (persistedQueries) Validate(graphql.ExecutableSchema) error { return nil }

// persistedHash returns the hash a request names, if it names one.
func persistedHash(ext map[string]any) (string, *gqlerror.Error) {
	raw, ok := ext["persistedQuery"]
	if !ok || raw == nil {
		return "", nil
	}
	pq, ok := raw.(map[string]any)
	hash, _ := pq["sha256Hash"].(string)
	if !ok || hash == "" {
		return "", persistedError("the persistedQuery extension needs sha256Hash and version 1")
	}
	if !versionOne(pq["version"]) {
		return "", persistedError("the persistedQuery extension supports version 1 only")
	}
	return hash, nil
}

// versionOne reads the version as the transports decode it: a float from
// GET's URL, a json.Number from a POSTed body.
func versionOne(v any) bool {
	switch v := v.(type) {
	case float64:
		return v == 1
	case int64:
		return v == 1
	case int:
		return v == 1
	case json.Number:
		return v.String() == "1"
	}
	return false
}

func persistedError(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": "BAD_REQUEST"}}
}

func (p persistedQueries) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	hash, err := persistedHash(params.Extensions)
	if hash == "" {
		return err
	}
	if params.Query == "" {
		q, ok := p.cache.Get(ctx, hash)
		if !ok {
			// The message is the protocol's: clients send the text next.
			return &gqlerror.Error{Message: "PersistedQueryNotFound", Extensions: map[string]any{"code": "PERSISTED_QUERY_NOT_FOUND"}}
		}
		params.Query = q
		return nil
	}
	sum := sha256.Sum256([]byte(params.Query))
	if hex.EncodeToString(sum[:]) != hash {
		return persistedError("the persistedQuery's sha256Hash is not the hash of the query")
	}
	return nil
}

// MutateOperationContext keeps the query, now that it parsed, validated and
// passed the limits before this extension.
func (p persistedQueries) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if hash, _ := persistedHash(rc.Extensions); hash != "" && rc.RawQuery != "" {
		p.cache.Add(ctx, hash, rc.RawQuery)
	}
	return nil
}
