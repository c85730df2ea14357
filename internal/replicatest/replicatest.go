// Package replicatest builds a PostgreSQL primary and a streaming replica on
// this machine for tests, from the real parts: initdb, pg_ctl and
// pg_basebackup -R, run as the postgres user in temporary directories on
// free ports, stopped and removed when the tests are done.
//
// One topology serves a test binary: Get starts it on first use, Main stops
// it when the binary's tests are over. Without PostgreSQL's binaries, or not
// running as root (the servers must run as the postgres user), Get skips the
// test with the reason — unless CI is set, where it fails: CI must run them.
package replicatest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq" // the topology's own checks
)

// Database is the name of the database the topology creates on the primary
// (and the replica copies).
const Database = "catalogus"

// Node is one PostgreSQL server of the topology.
type Node struct {
	Name string
	Port int
	Dir  string // the data directory
	bin  string
	log  string
	mu   sync.Mutex
	up   bool
}

// URL is the node's address for database db (Database when empty).
func (n *Node) URL(db string) string {
	if db == "" {
		db = Database
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=2", n.Port, db)
}

// Stop stops the server, fast: sessions are ended, nothing is lost that was
// committed (a clean shutdown, as an operator's or a crashed host's restart
// with recovery would keep it too).
func (n *Node) Stop() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.up {
		return nil
	}
	if err := asPostgres(n.bin, "pg_ctl", "stop", "-D", n.Dir, "-m", "fast", "-w", "-t", "30"); err != nil {
		return fmt.Errorf("stopping %s: %w", n.Name, err)
	}
	n.up = false
	return nil
}

// Start starts the server again and waits until it accepts connections.
func (n *Node) Start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.up {
		return nil
	}
	if err := asPostgres(n.bin, "pg_ctl", "start", "-D", n.Dir, "-l", n.log, "-w", "-t", "30"); err != nil {
		logText, _ := os.ReadFile(n.log)
		return fmt.Errorf("starting %s: %w\n%s", n.Name, err, tail(logText))
	}
	n.up = true
	return nil
}

// Topology is a primary and one streaming replica.
type Topology struct {
	Primary, Replica *Node
	dir              string
}

// WaitReplayed waits until the replica has replayed everything the primary
// has written so far, or the timeout passes.
func (t *Topology) WaitReplayed(ctx context.Context, timeout time.Duration) error {
	p, err := sql.Open("postgres", t.Primary.URL("postgres"))
	if err != nil {
		return err
	}
	defer p.Close()
	r, err := sql.Open("postgres", t.Replica.URL("postgres"))
	if err != nil {
		return err
	}
	defer r.Close()
	var lsn string
	if err := p.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		return fmt.Errorf("the primary's WAL position: %w", err)
	}
	deadline := time.Now().Add(timeout)
	for {
		var done bool
		err := r.QueryRowContext(ctx, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&done)
		if err == nil && done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the replica has not replayed the primary's %s after %s (last error: %v)", lsn, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Close stops both servers and removes their directories.
func (t *Topology) Close() {
	for _, n := range []*Node{t.Replica, t.Primary} {
		if n != nil {
			n.mu.Lock()
			if n.up {
				// Immediate: nothing is kept, so a clean shutdown's
				// checkpoint would only cost time.
				_ = asPostgres(n.bin, "pg_ctl", "stop", "-D", n.Dir, "-m", "immediate", "-w", "-t", "30")
				n.up = false
			}
			n.mu.Unlock()
		}
	}
	_ = os.RemoveAll(t.dir)
}

var (
	once    sync.Once
	shared  *Topology
	problem error // why there is none
	missing bool  // the problem is the machine's, not a failure
)

// Get returns the test binary's topology, starting it on first use. Where
// the machine cannot run one it skips the test (fails it under CI).
func Get(t testing.TB) *Topology {
	t.Helper()
	once.Do(func() {
		start := time.Now()
		shared, problem = start0()
		if problem == nil {
			fmt.Fprintf(os.Stderr, "replicatest: primary on %d, replica on %d, started in %s\n",
				shared.Primary.Port, shared.Replica.Port, time.Since(start).Round(time.Millisecond))
		}
	})
	if problem != nil {
		if missing && os.Getenv("CI") == "" {
			t.Skipf("no PostgreSQL replication topology: %v", problem)
		}
		t.Fatalf("no PostgreSQL replication topology: %v", problem)
	}
	return shared
}

// Main runs the tests of a binary and stops its topology afterwards; call it
// from TestMain: os.Exit(replicatest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	return code
}

// unavailable marks what the machine lacks.
type unavailable struct{ error }

func start0() (*Topology, error) {
	top, err := build()
	var u unavailable
	if errors.As(err, &u) {
		missing = true
	}
	return top, err
}

// Bin finds PostgreSQL's programs: CATALOGUS_PG_BIN, else the newest
// /usr/lib/postgresql/*/bin.
func Bin() (string, error) {
	if b := os.Getenv("CATALOGUS_PG_BIN"); b != "" {
		return b, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	var found []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return "", unavailable{errors.New("PostgreSQL's programs (initdb, pg_ctl, pg_basebackup) are not installed in /usr/lib/postgresql/*/bin; set CATALOGUS_PG_BIN to their folder")}
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) < version(found[j]) })
	return found[len(found)-1], nil
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func build() (top *Topology, err error) {
	bin, err := Bin()
	if err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, unavailable{errors.New("the tests must run as root to start PostgreSQL as the postgres user")}
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		return nil, unavailable{fmt.Errorf("there is no postgres user to run the servers: %w", err)}
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	dir, err := os.MkdirTemp("", "catalogus-replicas-")
	if err != nil {
		return nil, err
	}
	top = &Topology{dir: dir}
	defer func() {
		if err != nil {
			top.Close()
			top = nil
		}
	}()
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	primary := &Node{Name: "primary", Port: ports[0], Dir: filepath.Join(dir, "primary"), bin: bin, log: filepath.Join(dir, "primary.log")}
	replica := &Node{Name: "replica", Port: ports[1], Dir: filepath.Join(dir, "replica"), bin: bin, log: filepath.Join(dir, "replica.log")}
	top.Primary = primary
	// No fsync: these servers hold nothing worth a disk flush, and the
	// flushes are most of initdb's and a checkpoint's time.
	if err := asPostgres(bin, "initdb", "-D", primary.Dir, "-U", "postgres", "--auth=trust", "--no-sync",
		"--no-instructions", "-E", "UTF8", "--locale=C"); err != nil {
		return nil, fmt.Errorf("initdb: %w", err)
	}
	conf := strings.Join([]string{
		"listen_addresses = '127.0.0.1'",
		"port = " + strconv.Itoa(primary.Port),
		"unix_socket_directories = '" + dir + "'",
		"wal_level = replica",
		"max_wal_senders = 4",
		"max_connections = 60",
		"shared_buffers = 32MB",
		"fsync = off",
		"full_page_writes = off",
		"hot_standby = on",
		// The replica asks for WAL again soon after the primary returns.
		"wal_retrieve_retry_interval = 200ms",
		"logging_collector = off",
	}, "\n") + "\n"
	if err := appendFile(filepath.Join(primary.Dir, "postgresql.conf"), conf, uid, gid); err != nil {
		return nil, err
	}
	hba := "host replication postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n"
	if err := appendFile(filepath.Join(primary.Dir, "pg_hba.conf"), hba, uid, gid); err != nil {
		return nil, err
	}
	if err := primary.Start(); err != nil {
		return nil, err
	}
	if err := exec.Command(filepath.Join(bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", primary.URL("postgres"),
		"-c", "CREATE DATABASE "+Database).Run(); err != nil {
		return nil, fmt.Errorf("creating the database %s: %w", Database, err)
	}
	// -R writes standby.signal and primary_conninfo: the copy starts as a
	// streaming replica of the primary.
	if err := asPostgres(bin, "pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(primary.Port), "-U", "postgres",
		"-D", replica.Dir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"); err != nil {
		return nil, fmt.Errorf("pg_basebackup: %w", err)
	}
	if err := appendFile(filepath.Join(replica.Dir, "postgresql.conf"), "port = "+strconv.Itoa(replica.Port)+"\n", uid, gid); err != nil {
		return nil, err
	}
	top.Replica = replica
	if err := replica.Start(); err != nil {
		return nil, err
	}
	return top, nil
}

// asPostgres runs one of PostgreSQL's programs as the postgres user.
func asPostgres(bin, prog string, args ...string) error {
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(bin, prog)}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", prog, strings.Join(args, " "), err, tail(out.Bytes()))
	}
	return nil
}

func appendFile(path, text string, uid, gid int) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString("\n" + text); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chown(path, uid, gid)
}

// freePorts finds n ports nobody listens on now; a race with another
// process taking one meanwhile shows as a failure to start.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func tail(b []byte) string {
	const most = 2000
	if len(b) > most {
		b = b[len(b)-most:]
	}
	return string(b)
}
