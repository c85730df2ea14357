package server

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestResponseCacheStaysInBudget fills the cache past its budget: the least
// recently used answers go first, and an answer too big for it is not kept.
func TestResponseCacheStaysInBudget(t *testing.T) {
	c := newResponseCache(8 << 10)
	entry := func(i int) *cachedResponse {
		return &cachedResponse{key: fmt.Sprint("k", i), contentType: "application/json", body: []byte(strings.Repeat("x", 900))}
	}
	for i := range 8 {
		c.put(entry(i))
	}
	if c.get("k0", time.Now()) == nil {
		t.Fatal("k0 is gone before the cache was full")
	}
	for i := 8; i < 20; i++ {
		c.put(entry(i))
		if c.bytes() > 8<<10 {
			t.Fatalf("after %d answers the cache holds %d bytes, over its budget", i+1, c.bytes())
		}
	}
	if c.get("k19", time.Now()) == nil || c.get("k1", time.Now()) != nil {
		t.Errorf("the newest answer must stay and the least recently used go")
	}
	n := c.len()
	c.put(&cachedResponse{key: "big", body: make([]byte, 2<<10)})
	if c.get("big", time.Now()) != nil || c.len() != n {
		t.Errorf("an answer over an eighth of the budget was kept")
	}
	// Replacing an entry does not count it twice.
	before := c.bytes()
	c.put(entry(19))
	if c.bytes() != before {
		t.Errorf("replacing an answer changed the size from %d to %d", before, c.bytes())
	}
}
