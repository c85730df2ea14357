package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestHardKillLosesNothing kills the server with SIGKILL in the middle of a
// stream of setAvailabilities calls. Afterwards every acknowledged call is
// there, none is half-applied, and the change log matches the data.
func TestHardKillLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := filepath.Join(t.TempDir(), "catalogus")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building: %v\n%s", err, out)
	}
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) { crashOnce(t, bin, storetest.URL(t, d)) })
	}
}

func crashOnce(t *testing.T, bin, u string) {
	ctx := context.Background()
	db, err := store.Open(ctx, u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	k := fixture.New(t, db.Client)
	slugs := []string{"een", "twee", "drie"}
	for _, s := range slugs {
		k.Product(t, db.Client, s, k.ClusterA)
	}
	token, err := auth.Tokens{Client: db.Client}.Create(ctx, "schrijver", auth.Editor, "cluster-a")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	cmd := exec.Command(bin, "serve", "--database", u, "--addr", "127.0.0.1:0", "--log-level", "warn")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := ""
	sc := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`Open (http://[0-9.:]+)/`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("the server did not start: %s", stderr.String())
	}

	// One writer per product; each call waits for the previous one's answer.
	acked := make([]atomic.Int64, len(slugs))
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for i, slug := range slugs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 1; ; n++ {
				status := []string{"AVAILABLE", "PARTIAL"}[n%2]
				q := fmt.Sprintf(`mutation { setAvailabilities(input: {product: %q, expectedVersion: %d, cells: [
					{channel: "website", status: %s, instructions: "call-%d"}, {channel: "balie", status: %s, instructions: "call-%d"}]}) { version } }`,
					slug, n, status, n, status, n)
				body, _ := json.Marshal(map[string]string{"query": q})
				req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var r struct {
					Data   *struct{ SetAvailabilities struct{ Version int } }
					Errors []struct{ Message string }
				}
				err = json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				if err != nil || len(r.Errors) > 0 || r.Data == nil {
					if err == nil && len(r.Errors) > 0 {
						t.Errorf("%s call %d: %v", slug, n, r.Errors)
					}
					return
				}
				if r.Data.SetAvailabilities.Version != n+1 {
					t.Errorf("%s call %d answered version %d", slug, n, r.Data.SetAvailabilities.Version)
				}
				acked[i].Store(int64(n))
			}
		}()
	}
	// Kill once every writer has been answered a few times (a loaded machine
	// may take a while to get there), so that the test proves something.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ready := true
		for i := range acked {
			ready = ready && acked[i].Load() >= 3
		}
		if ready {
			break
		}
	}
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	_ = cmd.Wait()
	wg.Wait()

	db, err = store.Open(ctx, u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rctx := fixture.Ctx()
	// One snapshot for every read: on PostgreSQL the killed server's backend
	// may still be committing the call that was in flight, and reads in
	// separate statements could see the product before that commit and its
	// cells after it. (SQLite's file has no one else writing.)
	var opts *sql.TxOptions
	if !strings.HasPrefix(u, "sqlite") {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	snapshot, err := db.Client.BeginTx(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer snapshot.Rollback()
	c := snapshot.Client()
	total := 0
	for i, slug := range slugs {
		p := c.Product.Query().Where(product.Slug(slug)).OnlyX(rctx)
		cells := c.Availability.Query().Where(availability.ProductID(p.ID)).AllX(rctx)
		ack := int(acked[i].Load())
		if ack == 0 {
			t.Fatalf("%s: no call was acknowledged before the kill; the test proves nothing", slug)
		}
		if len(cells) != 2 || cells[0].Instructions == nil || cells[1].Instructions == nil || *cells[0].Instructions != *cells[1].Instructions {
			t.Fatalf("%s: a call was half applied: %+v", slug, cells)
		}
		var m int
		fmt.Sscanf(strings.TrimPrefix(*cells[0].Instructions, "call-"), "%d", &m)
		if m < ack || m > ack+1 {
			t.Errorf("%s: the data holds call %d, but call %d was acknowledged", slug, m, ack)
		}
		if p.Version != m+1 {
			t.Errorf("%s: version %d after %d calls", slug, p.Version, m)
		}
		events := c.ChangeEvent.Query().Where(changeevent.ProductID(p.ID), changeevent.EntityEQ(changeevent.EntityAVAILABILITY)).
			Order(ent.Asc(changeevent.FieldRecordedAt), ent.Asc(changeevent.FieldID)).AllX(rctx)
		if len(events) != 2*m {
			t.Errorf("%s: %d availability events for %d calls of two cells", slug, len(events), m)
		}
		perTx := map[string]int{}
		last := map[int]*ent.ChangeEvent{}
		for _, e := range events {
			perTx[e.TxID]++
			last[e.EntityID] = e
		}
		for tx, n := range perTx {
			if n != 2 {
				t.Errorf("%s: transaction %s logged %d cells, want 2", slug, tx, n)
			}
		}
		for _, a := range cells {
			if e := last[a.ID]; e == nil || e.State == nil || *e.State != a.Status.String() {
				t.Errorf("%s: cell %d is %s, its last event says %v", slug, a.ID, a.Status, e)
			}
		}
		total += m
	}
	var ackedNow []int64
	for i := range acked {
		ackedNow = append(ackedNow, acked[i].Load())
	}
	t.Logf("%d calls committed before the kill, %v acknowledged", total, ackedNow)
}
