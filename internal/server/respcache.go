package server

import (
	"bytes"
	"container/list"
	"net/http"
	"sync"
	"time"
)

// responseCache keeps the answers to anonymous reads, keyed by the request
// and the catalogue's version (see conditional), least recently used first
// out when it holds more than its budget of bytes. An entry under an older
// version is never asked for again and simply ages out.
type responseCache struct {
	mu       sync.Mutex
	budget   int64
	size     int64
	order    *list.List // front: most recently used
	entries  map[string]*list.Element
	maxEntry int64
}

type cachedResponse struct {
	key         string
	contentType string
	body        []byte
	// expires is when an answer that depends on the clock stops being
	// served; zero for the others, which an older version retires.
	expires time.Time
}

func (e *cachedResponse) cost() int64 {
	return int64(len(e.key) + len(e.body) + len(e.contentType) + 64)
}

// newResponseCache returns a cache of at most budget bytes; one answer may
// take an eighth of it.
func newResponseCache(budget int64) *responseCache {
	return &responseCache{budget: budget, maxEntry: budget / 8, order: list.New(), entries: map[string]*list.Element{}}
}

// get returns the answer kept under key, unless it expired before now.
func (c *responseCache) get(key string, now time.Time) *cachedResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*cachedResponse)
	if !e.expires.IsZero() && !now.Before(e.expires) {
		c.order.Remove(el)
		delete(c.entries, key)
		c.size -= e.cost()
		return nil
	}
	c.order.MoveToFront(el)
	return e
}

func (c *responseCache) put(e *cachedResponse) {
	cost := e.cost()
	if cost > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		c.size -= el.Value.(*cachedResponse).cost()
		c.order.Remove(el)
	}
	c.entries[e.key] = c.order.PushFront(e)
	c.size += cost
	for c.size > c.budget {
		last := c.order.Back()
		old := last.Value.(*cachedResponse)
		c.order.Remove(last)
		delete(c.entries, old.key)
		c.size -= old.cost()
	}
}

// len and bytes report the cache's contents, for tests and metrics.
func (c *responseCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *responseCache) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// capture passes a response through and keeps a copy of it, up to limit
// bytes, for the cache.
// before, if set, runs once before the header is written.
type capture struct {
	http.ResponseWriter
	status   int
	buf      bytes.Buffer
	limit    int64
	overflow bool
	before   func()
}

func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
		if c.before != nil {
			c.before()
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	if !c.overflow {
		if int64(c.buf.Len()+len(b)) > c.limit {
			c.overflow = true
			c.buf = bytes.Buffer{}
		} else {
			c.buf.Write(b)
		}
	}
	return c.ResponseWriter.Write(b)
}

func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// cacheable tells whether a captured answer may be kept: a complete success,
// without errors (a GraphQL error may be passing, like a timeout).
func (c *capture) cacheable() bool {
	return c.status == http.StatusOK && !c.overflow && c.buf.Len() > 0 &&
		!bytes.Contains(c.buf.Bytes(), []byte(`"errors":`))
}
