package main

import (
	"strings"
	"sync"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestConcurrentFirstSeeds starts several seeds at once on one blank
// database: each migrates under the migration lock and seeds under the seed
// lock, so one loads the seed, the others find it loaded, and none fails.
func TestConcurrentFirstSeeds(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			target := storetest.URL(t, d)
			const n = 3
			var wg sync.WaitGroup
			codes, outs, errs := make([]int, n), make([]string, n), make([]string, n)
			for i := range n {
				wg.Go(func() { codes[i], outs[i], errs[i] = runCLI(t, "seed", "--database", target) })
			}
			wg.Wait()
			loaded := 0
			for i := range n {
				if codes[i] != 0 {
					t.Errorf("seed %d: exit %d, %s", i, codes[i], errs[i])
				}
				if strings.Contains(outs[i], "seeded ") {
					loaded++
				} else if !strings.Contains(outs[i], "already loaded") {
					t.Errorf("seed %d said %q", i, outs[i])
				}
			}
			if loaded != 1 {
				t.Errorf("%d of %d seeds loaded the seed, want exactly one", loaded, n)
			}
			// Every one reports the same counts: one seed, not two.
			counts := func(out string) string { _, c, _ := strings.Cut(out, "\n"); return c }
			for i := 1; i < n; i++ {
				if a, b := counts(outs[0]), counts(outs[i]); a != b || a == "" {
					t.Errorf("seed %d counts %q, seed 0 %q", i, b, a)
				}
			}
		})
	}
}
