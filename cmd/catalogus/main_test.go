package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// syncBuffer is a bytes.Buffer safe for a command writing while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// seededSQLite returns an SQLite file holding what `catalogus seed` writes:
// the first test to ask seeds it, later ones get a copy of that file
// (storetest.GoldenSQLite), so that the package seeds once instead of once
// per test.
func seededSQLite(t *testing.T) string {
	t.Helper()
	return storetest.GoldenSQLite(t, "seed", func(u string) error {
		if code, out, stderr := runCLI(t, "seed", "--database", u); code != 0 {
			return fmt.Errorf("catalogus seed: exit %d\n%s\n%s", code, out, stderr)
		}
		return nil
	})
}

func TestBadConfigurationIsRefusedClearly(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "kapot.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("geen database "), 500), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown scheme", []string{"serve", "--database", "mysql://root@localhost/x"}, 1, `unknown database URL scheme "mysql"`},
		{"unreachable PostgreSQL", []string{"migrate", "--database", "postgres://postgres@127.0.0.1:1/x?sslmode=disable"}, 1, "cannot reach PostgreSQL at 127.0.0.1:1"},
		{"corrupt SQLite", []string{"seed", "--database", "sqlite:" + garbage}, 1, "is not an SQLite database or is damaged"},
		{"missing folder", []string{"serve", "--database", "sqlite:" + filepath.Join(dir, "nergens", "x.db")}, 1, "does not exist"},
		{"unknown command", []string{"start"}, 2, `unknown command "start"`},
		{"unknown flag", []string{"serve", "--port", "80"}, 2, "flag provided but not defined: -port"},
		{"bad log level", []string{"migrate", "--log-level", "loud"}, 2, `--log-level "loud"`},
		{"stray argument", []string{"seed", "extra"}, 2, `unexpected argument "extra"`},
		{"replica of SQLite", []string{"serve", "--database", "sqlite:" + filepath.Join(dir, "r1.db"), "--database-replica", "postgres://reader@replica/x"}, 1,
			"--database-replica needs a PostgreSQL --database"},
		{"no replica lag", []string{"serve", "--database", "sqlite:" + filepath.Join(dir, "r2.db"), "--database-replica", "postgres://reader@replica/x", "--replica-max-lag", "0s"}, 1,
			"--replica-max-lag 0s: give a positive duration"},
		{"empty replica", []string{"serve", "--database-replica", ""}, 2, "give a replica's URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
	if b, _ := os.ReadFile(garbage); !bytes.HasPrefix(b, []byte("geen database")) {
		t.Error("the corrupt file was changed")
	}
}

// serve runs `catalogus serve` until the test ends and returns its base URL.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited with %d after shutdown; stderr:\n%s", code, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	re := regexp.MustCompile(`Open (http://[0-9.:]+)/ for GraphiQL`)
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d; stderr:\n%s", code, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start; stderr:\n%s", stderr.String())
	return ""
}

func totalAndChannels(t *testing.T, base string) (int, int) {
	t.Helper()
	body := strings.NewReader(`{"query":"{ products { totalCount } channels { code } }"}`)
	resp, err := http.Post(base+"/graphql", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Products struct{ TotalCount int }
			Channels []struct{ Code string }
		}
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("query failed: %v %v", err, r.Errors)
	}
	return r.Data.Products.TotalCount, len(r.Data.Channels)
}

func TestServeSeedsAFreshSQLiteFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // the default database is ./catalogus.db
	base := serve(t)
	if n, ch := totalAndChannels(t, base); n != 423 || ch != 9 {
		t.Errorf("fresh serve answers %d products and %d channels, want 423 and 9", n, ch)
	}
	if _, err := os.Stat(filepath.Join(dir, "catalogus.db")); err != nil {
		t.Errorf("the default database file: %v", err)
	}
}

func TestSeedThenServeOnEachDatabase(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel() // the two databases share nothing
			u := storetest.URL(t, d)
			code, out, stderr := runCLI(t, "seed", "--database", u)
			if code != 0 || !strings.Contains(out, "423 products") {
				t.Fatalf("seed: exit %d, out %q, stderr %q", code, out, stderr)
			}
			code, out, _ = runCLI(t, "seed", "--database", u)
			if code != 0 || !strings.Contains(out, "already loaded") {
				t.Errorf("second seed: exit %d, out %q", code, out)
			}
			code, out, _ = runCLI(t, "migrate", "--database", u)
			if code != 0 || !strings.Contains(out, "up to date") {
				t.Errorf("migrate after seed: exit %d, out %q", code, out)
			}
			base := serve(t, "--database", u)
			if n, ch := totalAndChannels(t, base); n != 423 || ch != 9 {
				t.Errorf("serve answers %d products and %d channels, want 423 and 9", n, ch)
			}
		})
	}
}

func TestServeDoesNotSeedPostgresUnasked(t *testing.T) {
	u := storetest.URL(t, "postgres")
	base := serve(t, "--database", u)
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ channels { code } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct{ Data struct{ Channels []any } }
	json.NewDecoder(resp.Body).Decode(&r)
	if len(r.Data.Channels) != 0 {
		t.Errorf("an unseeded PostgreSQL database answers %d channels", len(r.Data.Channels))
	}
}
