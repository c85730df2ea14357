package replicatest_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/replicatest"
)

func TestMain(m *testing.M) { os.Exit(replicatest.Main(m)) }

// TestReplicaStreams checks the topology itself: a row written on the
// primary reaches the replica, and the replica refuses writes.
func TestReplicaStreams(t *testing.T) {
	top := replicatest.Get(t)
	ctx := context.Background()
	p, err := sql.Open("postgres", top.Primary.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r, err := sql.Open("postgres", top.Replica.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := p.ExecContext(ctx, "CREATE TABLE streamed (v int); INSERT INTO streamed VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = p.Exec("DROP TABLE streamed") })
	if err := top.WaitReplayed(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := r.QueryRowContext(ctx, "SELECT v FROM streamed").Scan(&v); err != nil || v != 42 {
		t.Fatalf("the replica reads %d, %v; want 42", v, err)
	}
	var standby bool
	if err := r.QueryRowContext(ctx, "SELECT pg_is_in_recovery()").Scan(&standby); err != nil || !standby {
		t.Fatalf("the replica is in recovery: %v, %v; want true", standby, err)
	}
	if _, err := r.ExecContext(ctx, "INSERT INTO streamed VALUES (1)"); err == nil {
		t.Fatal("the replica took a write")
	}
}
