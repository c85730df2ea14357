package replication_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/signin"
)

// pair is two `catalogus serve` processes on the topology behind HAProxy.
type pair struct {
	*world
	balancer  string   // the balancer's base URL
	instances []string // each instance's base URL
}

// newPair starts the built binary twice, with the same session key, on the
// world's primary and replica, and HAProxy in front (round robin, checking
// /readyz).
func newPair(t *testing.T) *pair {
	t.Helper()
	if raceDetector {
		// The processes it starts are not under the detector, and CI's run
		// without it covers this test: under it, it would only cost time.
		t.Skip("the balanced pair runs in the tests without the race detector")
	}
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("no haproxy on this machine (apt-get install haproxy)")
		}
		t.Fatal("CI needs haproxy: apt-get install haproxy")
	}
	w := newWorld(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "catalogus")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/gemeente-rotterdam/catalogus/cmd/catalogus").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ports := freePorts(t, 3)
	p := &pair{world: w, balancer: "http://127.0.0.1:" + strconv.Itoa(ports[2])}
	for i, port := range ports[:2] {
		addr := "127.0.0.1:" + strconv.Itoa(port)
		cmd := exec.Command(bin, "serve", "--addr", addr, "--database", w.primaryURL, "--database-replica", w.replicaURL,
			"--replica-max-lag", maxLag.String(), "--dev-login", "--trusted-proxy", "127.0.0.1", "--retention", "off", "--log-level", "warn")
		cmd.Env = append(os.Environ(), "CATALOGUS_SESSION_KEY="+strings.Repeat("ab", 32))
		logFile, _ := os.Create(filepath.Join(dir, fmt.Sprintf("instance%d.log", i+1)))
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
			logFile.Close()
			if t.Failed() {
				b, _ := os.ReadFile(logFile.Name())
				t.Logf("instance %d's log:\n%s", i+1, b)
			}
		})
		p.instances = append(p.instances, "http://"+addr)
	}
	cfg := fmt.Sprintf(`global
    maxconn 256
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend catalogus
    bind 127.0.0.1:%d
    default_backend instances
backend instances
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    option forwardfor
    server app1 127.0.0.1:%d check inter 200ms fall 2 rise 1
    server app2 127.0.0.1:%d check inter 200ms fall 2 rise 1
`, ports[2], ports[0], ports[1])
	cfgPath := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(haproxy, "-c", "-f", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}
	hp := exec.Command(haproxy, "-db", "-f", cfgPath)
	var hpOut bytes.Buffer
	hp.Stdout, hp.Stderr = &hpOut, &hpOut
	if err := hp.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = hp.Process.Signal(syscall.SIGTERM)
		_ = hp.Wait()
		if t.Failed() {
			t.Logf("haproxy:\n%s", hpOut.String())
		}
	})
	// Ready: both instances say so, and the balancer answers.
	deadline := time.Now().Add(60 * time.Second)
	for _, base := range append(p.instances, p.balancer) {
		for {
			resp, err := http.Get(base + "/readyz")
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 && (base == p.balancer || strings.Contains(string(b), "): in rotation")) {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s is not ready: %v", base, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return p
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// getAt is an anonymous GET read of base.
func getAt(t *testing.T, base string) answer {
	t.Helper()
	resp, err := http.Get(base + "/graphql?query=" + url.QueryEscape(readQuery))
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

// devSignIn signs an editor of cluster-a in through the development sign-in
// at base and returns the browser's cookie jar and client.
func devSignIn(t *testing.T, base string) (*cookiejar.Jar, *http.Client) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + signin.DevLoginPath)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no token in the dev login form: %s", page)
	}
	resp, err = c.PostForm(base+signin.DevLoginPath, url.Values{"token": {string(m[1])}, "name": {"Rita Redacteur"}, "role": {string(auth.Editor)}, "org": {"cluster-a"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return jar, c
}

// TestTwoInstancesBehindHAProxy: edits made through the balancer reach
// anonymous readers on both instances within the lag bound, and a reader
// pinned to one instance never sees its ETag go back; a sign-out on one
// instance holds on the other.
func TestTwoInstancesBehindHAProxy(t *testing.T) {
	p := newPair(t)
	p.url = p.balancer // the token holder edits through the balancer
	pinned := make([]forward, len(p.instances))
	for round := 1; round <= 3; round++ {
		name := fmt.Sprintf("Paspoort, ronde %d", round)
		if a := p.rename(t, name); a.status != 200 || a.errCode() != "" {
			t.Fatalf("edit %d through the balancer: %d %s", round, a.status, a.raw)
		}
		edited := time.Now()
		for i, base := range p.instances {
			for {
				a := getAt(t, base)
				if a.status != 200 || a.errCode() != "" {
					t.Fatalf("instance %d: %d %s", i+1, a.status, a.raw)
				}
				pinned[i].see(t, a)
				if a.productName() == name {
					break
				}
				// The bound, and the time the checker takes to notice a
				// replica past it (a check a second; here the default).
				if time.Since(edited) > maxLag+3*time.Second {
					t.Fatalf("instance %d still reads %q %s after edit %d", i+1, a.productName(), time.Since(edited), round)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		for range 10 {
			if a := getAt(t, p.balancer); a.productName() != name {
				t.Fatalf("through the balancer after edit %d: %q", round, a.productName())
			}
		}
	}

	// Signed in on the first instance, the session works on the second; signed
	// out on the first, the same cookie is refused by the second.
	jar, first := devSignIn(t, p.instances[0])
	u0, _ := url.Parse(p.instances[0] + signin.SessionPath) // the cookie is for /beheer
	cookies := jar.Cookies(u0)
	// The cookies as a browser would send them to the other instance.
	session := func(base string) (bool, string) {
		req, _ := http.NewRequest(http.MethodGet, base+signin.SessionPath, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var s struct {
			SignedIn bool
			CSRF     string
		}
		_ = json.NewDecoder(resp.Body).Decode(&s)
		return s.SignedIn, s.CSRF
	}
	in, csrf := session(p.instances[1])
	if !in {
		t.Fatal("a session made on the first instance is not known to the second")
	}
	resp, err := first.PostForm(p.instances[0]+signin.LogoutPath, url.Values{"csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if in, _ := session(p.instances[0]); in {
		t.Fatal("still signed in on the first instance after signing out there")
	}
	if in, _ := session(p.instances[1]); in {
		t.Error("signed out on the first instance, the cookie still works on the second")
	}
}
