package replication_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/replicatest"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(replicatest.Main(m)) }

// maxLag is the lag bound of these tests' servers.
const maxLag = 2 * time.Second

// world is a small catalogue on the topology's primary, the server in front
// of the primary and its replica, and an editor's token.
type world struct {
	top            *replicatest.Topology
	primary, repl  *store.DB
	url, token     string
	replicaPrimary *sql.DB // the replica, for pausing its replay
	// The databases' URLs, for processes of their own.
	primaryURL, replicaURL string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldLag(t, maxLag)
}

// newWorldLag is newWorld with the server's lag bound.
func newWorldLag(t *testing.T, lag time.Duration) *world {
	t.Helper()
	top := replicatest.Get(t)
	ctx := context.Background()
	for _, n := range []*replicatest.Node{top.Primary, top.Replica} {
		if err := n.Start(); err != nil { // a test before may have stopped one and failed
			t.Fatal(err)
		}
	}
	u, _, err := storetest.NewSchema(ctx, top.Primary.URL(""), "replicas")
	if err != nil {
		t.Fatal(err)
	}
	// The schema goes with the topology at the end: dropping it needs the
	// primary, which a failing test may leave stopped.
	primary, err := store.Open(ctx, u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.Close() })
	if _, err := primary.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	k := fixture.New(t, primary.Client)
	k.Product(t, primary.Client, "paspoort", k.DepartmentA1)
	token, err := auth.Tokens{Client: primary.Client}.Create(ctx, "redactie", auth.Editor, "cluster-a")
	if err != nil {
		t.Fatal(err)
	}
	ru, _ := url.Parse(u)
	ru.Host = "127.0.0.1:" + strconv.Itoa(top.Replica.Port)
	if err := top.WaitReplayed(ctx, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	repl, err := store.Open(ctx, ru.String(), store.Options{ReadOnly: true, Unchecked: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repl.Close() })
	sc, err := signin.New(ctx, signin.Config{DevLogin: true, Client: primary.Client, Key: bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	h := server.Handler(server.Config{DB: primary, Replicas: []*store.DB{repl}, ReplicaMaxLag: lag, SignIn: sc,
		ReplicaCheckEvery: 100 * time.Millisecond, ResponseCacheBytes: 8 << 20, Log: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	admin, err := sql.Open("postgres", top.Replica.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	return &world{top: top, primary: primary, repl: repl, url: srv.URL, token: token, replicaPrimary: admin, primaryURL: u, replicaURL: ru.String()}
}

// answer is what one request got.
type answer struct {
	status int
	etag   string
	body   map[string]any
	raw    string
}

func (a answer) errCode() string {
	errs, _ := a.body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	e, _ := errs[0].(map[string]any)
	ext, _ := e["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

// version is the catalogue version in an ETag ("v12-…"), -1 without one.
func (a answer) version() int64 {
	v, _, ok := strings.Cut(strings.Trim(a.etag, `"`), "-")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(v, "v"), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// productName is the name an answer gives the product "paspoort".
func (a answer) productName() string {
	d, _ := a.body["data"].(map[string]any)
	p, _ := d["product"].(map[string]any)
	n, _ := p["name"].(string)
	return n
}

const readQuery = `{ product(slug: "paspoort") { name version } }`

// get is an anonymous read by GET (which carries an ETag).
func (w *world) get(t *testing.T) answer {
	t.Helper()
	resp, err := http.Get(w.url + "/graphql?query=" + url.QueryEscape(readQuery))
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

// post sends a document by POST, with the token when asked.
func (w *world) post(t *testing.T, withToken bool, query string) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, w.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if withToken {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func read(t *testing.T, resp *http.Response) answer {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, etag: resp.Header.Get("ETag"), raw: string(b)}
	_ = json.Unmarshal(b, &a.body)
	return a
}

// rename changes the product's name by the editor's token, on the primary.
func (w *world) rename(t *testing.T, name string) answer {
	t.Helper()
	cur := w.post(t, true, readQuery)
	d, _ := cur.body["data"].(map[string]any)
	p, _ := d["product"].(map[string]any)
	v, _ := p["version"].(float64)
	return w.post(t, true, fmt.Sprintf(`mutation { updateProduct(input: {product: "paspoort", expectedVersion: %d, name: %q}) { name } }`, int(v), name))
}

// editorRead reads the product's name as an editor signed in to /beheer.
func (w *world) editorRead(t *testing.T) string {
	t.Helper()
	_, c := devSignIn(t, w.url)
	resp, err := c.Get(w.url + signin.SessionPath)
	if err != nil {
		t.Fatal(err)
	}
	var sess struct{ CSRF string }
	_ = json.NewDecoder(resp.Body).Decode(&sess)
	resp.Body.Close()
	body, _ := json.Marshal(map[string]string{"query": readQuery})
	req, _ := http.NewRequest(http.MethodPost, w.url+signin.GraphQLPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signin.CSRFHeader, sess.CSRF)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	a := read(t, resp)
	if a.status != 200 || a.errCode() != "" {
		t.Fatalf("the editor's read: %d %s", a.status, a.raw)
	}
	return a.productName()
}

// readyz returns /readyz's status and text.
func (w *world) readyz(t *testing.T) (int, string) {
	t.Helper()
	resp, err := http.Get(w.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitReady waits until /readyz says what want holds.
func (w *world) waitReady(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, text := w.readyz(t)
		if strings.Contains(text, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never said %q; last:\n%s", want, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// forward checks that versions only rise.
type forward struct{ last int64 }

func (f *forward) see(t *testing.T, a answer) {
	t.Helper()
	v := a.version()
	if v < 0 {
		t.Fatalf("an anonymous GET without a versioned ETag: %q (status %d: %s)", a.etag, a.status, a.raw)
	}
	if v < f.last {
		t.Fatalf("the ETag went back from version %d to %d", f.last, v)
	}
	f.last = v
}

// TestAnonymousReadsFollowTheReplica: anonymous reads come from the replica
// (while its replay is paused they show the name before an edit that the
// token holder, on the primary, already reads), the replica is taken out of
// rotation once it is further behind than the bound (reads then show the
// edit, from the primary), and back in once it catches up; no ETag goes back
// in time on the way.
func TestAnonymousReadsFollowTheReplica(t *testing.T) {
	// A bound the two requests between the edit and the stale read stay
	// well within on a busy machine.
	w := newWorldLag(t, 5*time.Second)
	w.waitReady(t, "replica-1 (127.0.0.1:"+strconv.Itoa(w.top.Replica.Port)+"): in rotation")
	var f forward
	first := w.get(t)
	f.see(t, first)
	if first.productName() != "Product paspoort" {
		t.Fatalf("before the edit: %s", first.raw)
	}
	if _, err := w.replicaPrimary.Exec("SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = w.replicaPrimary.Exec("SELECT pg_wal_replay_resume()") })
	if a := w.rename(t, "Paspoort aanvragen"); a.errCode() != "" || a.status != 200 {
		t.Fatalf("the edit: %d %s", a.status, a.raw)
	}
	if got := w.post(t, true, readQuery).productName(); got != "Paspoort aanvragen" {
		t.Errorf("the token holder reads %q after the edit; want the edit (the primary)", got)
	}
	if got := w.editorRead(t); got != "Paspoort aanvragen" {
		t.Errorf("an editor signed in reads %q after the edit; want the edit (the primary: read-your-writes)", got)
	}
	stale := w.get(t)
	f.see(t, stale)
	if stale.productName() != "Product paspoort" {
		t.Errorf("an anonymous read right after the edit, replay paused, reads %q; want the replica's %q", stale.productName(), "Product paspoort")
	}
	// Past the bound: out of rotation, and reads come from the primary.
	w.waitReady(t, "out of rotation")
	fresh := w.get(t)
	f.see(t, fresh)
	if fresh.productName() != "Paspoort aanvragen" {
		t.Errorf("with the replica out of rotation an anonymous read gives %q; want the edit", fresh.productName())
	}
	if _, err := w.replicaPrimary.Exec("SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatal(err)
	}
	w.waitReady(t, "): in rotation")
	for range 20 {
		a := w.get(t)
		f.see(t, a)
		if a.productName() != "Paspoort aanvragen" {
			t.Fatalf("after the replica caught up: %q", a.productName())
		}
	}
	resp, err := http.Get(w.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`catalogus_database_in_rotation{database="replica-1"} 1`, `catalogus_database_up{database="primary"} 1`, `catalogus_database_replica_lag_seconds{database="replica-1"}`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestReplicaStoppedReadsFallBack: with the replica stopped, anonymous reads
// are answered by the primary without an error, and the replica returns to
// rotation when it is started again.
func TestReplicaStoppedReadsFallBack(t *testing.T) {
	w := newWorld(t)
	w.waitReady(t, "): in rotation")
	var f forward
	f.see(t, w.get(t))
	if err := w.top.Replica.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.top.Replica.Start() })
	// At once, before the checker can have noticed: the request that finds
	// it gone takes it out and asks the primary.
	for i := range 20 {
		a := w.get(t)
		if a.status != 200 || a.errCode() != "" || a.productName() != "Product paspoort" {
			t.Fatalf("read %d with the replica stopped: %d %s", i, a.status, a.raw)
		}
		f.see(t, a)
		if p := w.post(t, false, readQuery); p.status != 200 || p.errCode() != "" {
			t.Fatalf("POST read %d with the replica stopped: %d %s", i, p.status, p.raw)
		}
	}
	if status, text := w.readyz(t); status != 200 || !strings.Contains(text, "replica-1") || strings.Contains(text, "): in rotation") {
		t.Errorf("/readyz with the replica stopped: %d\n%s", status, text)
	}
	if err := w.top.Replica.Start(); err != nil {
		t.Fatal(err)
	}
	w.waitReady(t, "): in rotation")
	f.see(t, w.get(t))
}

// TestPrimaryStoppedReadsContinue: with the primary stopped, anonymous reads
// go on from the replica and show the last acknowledged edit, writes and the
// token holder's reads are refused with SERVICE_UNAVAILABLE (503), and once
// the primary is back everything works again without a restart.
func TestPrimaryStoppedReadsContinue(t *testing.T) {
	w := newWorld(t)
	w.waitReady(t, "): in rotation")
	if a := w.rename(t, "Paspoort (laatste bevestigde wijziging)"); a.status != 200 || a.errCode() != "" {
		t.Fatalf("the edit before the outage: %d %s", a.status, a.raw)
	}
	if err := w.top.Primary.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.top.Primary.Start() })
	// A fast shutdown sends the replica all WAL before it ends: the
	// acknowledged edit is there.
	for i := range 20 {
		a := w.get(t)
		if a.status != 200 || a.errCode() != "" {
			t.Fatalf("anonymous read %d with the primary stopped: %d %s", i, a.status, a.raw)
		}
		if a.productName() != "Paspoort (laatste bevestigde wijziging)" {
			t.Fatalf("anonymous read %d with the primary stopped shows %q; want the acknowledged edit", i, a.productName())
		}
		if p := w.post(t, false, readQuery); p.status != 200 || p.errCode() != "" {
			t.Fatalf("anonymous POST read %d with the primary stopped: %d %s", i, p.status, p.raw)
		}
	}
	for what, a := range map[string]answer{
		"the token holder's edit": w.post(t, true, `mutation { updateProduct(input: {product: "paspoort", expectedVersion: 1, name: "Nee"}) { name } }`),
		"the token holder's read": w.post(t, true, readQuery),
		"an anonymous mutation":   w.post(t, false, `mutation { updateProduct(input: {product: "paspoort", expectedVersion: 1, name: "Nee"}) { name } }`),
	} {
		if what == "an anonymous mutation" {
			// Refused before it reaches the database, or found it away: never run.
			if a.status == 200 && a.errCode() == "" {
				t.Errorf("%s with the primary stopped was answered: %s", what, a.raw)
			}
			continue
		}
		if a.status != http.StatusServiceUnavailable || a.errCode() != "SERVICE_UNAVAILABLE" {
			t.Errorf("%s with the primary stopped: %d %s; want 503 SERVICE_UNAVAILABLE", what, a.status, a.raw)
		}
	}
	if status, text := w.readyz(t); status != 200 || !strings.Contains(text, "primary: unreachable") {
		t.Errorf("/readyz with the primary stopped: %d\n%s", status, text)
	}
	if err := w.top.Primary.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		a := w.rename(t, "Paspoort na de storing")
		if a.status == 200 && a.errCode() == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no edit succeeds after the primary returned: %d %s", a.status, a.raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := w.top.WaitReplayed(context.Background(), 20*time.Second); err != nil {
		t.Fatal(err)
	}
	w.waitReady(t, "): in rotation")
	if got := w.get(t).productName(); got != "Paspoort na de storing" {
		t.Errorf("after the primary returned, anonymous readers see %q", got)
	}
}

// TestPrimaryURLWithSeveralHosts: lib/pq takes several hosts with
// target_session_attrs=read-write (docs/deployment.md, following a
// promotion): given the replica first and the primary second, the
// connections land on the primary, where writes work.
func TestPrimaryURLWithSeveralHosts(t *testing.T) {
	top := replicatest.Get(t)
	for _, n := range []*replicatest.Node{top.Primary, top.Replica} {
		if err := n.Start(); err != nil {
			t.Fatal(err)
		}
	}
	u := fmt.Sprintf("postgres://postgres@/%s?host=127.0.0.1,127.0.0.1&port=%d,%d&target_session_attrs=read-write&sslmode=disable",
		replicatest.Database, top.Replica.Port, top.Primary.Port)
	db, err := store.Open(context.Background(), u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var recovering bool
	var port int
	if err := db.SQL.QueryRow("SELECT pg_is_in_recovery(), current_setting('port')::int").Scan(&recovering, &port); err != nil {
		t.Fatal(err)
	}
	if recovering || port != top.Primary.Port {
		t.Errorf("connected to port %d (in recovery: %v); want the primary's %d", port, recovering, top.Primary.Port)
	}
	if _, err := db.SQL.Exec("CREATE TEMPORARY TABLE written (v int)"); err != nil {
		t.Errorf("a write through the URL of several hosts: %v", err)
	}
}
