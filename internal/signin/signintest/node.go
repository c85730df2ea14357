package signintest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Node is a certified OpenID provider — npm oidc-provider, pinned in
// .ci/oidc-provider — running on loopback for one test. Unlike mockoidc it
// behaves as real providers do by default: the scope claims come from
// UserInfo, it keeps a session of its own (signing out there matters), it
// issues refresh tokens, calls back-channel logout and checks
// private_key_jwt.
type Node struct {
	Issuer string
	cmd    *exec.Cmd
	log    *lockedBuffer
	once   sync.Once
}

// NodeAccount is a person the provider knows.
type NodeAccount struct {
	Password string         `json:"password"`
	Claims   map[string]any `json:"claims"`
}

// NodeConfig is what the provider is started with: clients as registered
// at a provider (client_id, redirect_uris, …, in the registration's JSON
// names), accounts by id (the subject).
type NodeConfig struct {
	Port           int                    `json:"port,omitempty"`
	Clients        []map[string]any       `json:"clients"`
	Accounts       map[string]NodeAccount `json:"accounts"`
	IDTokenTTL     int                    `json:"idTokenTTL,omitempty"`
	AccessTokenTTL int                    `json:"accessTokenTTL,omitempty"`
}

// nodeDir finds .ci/oidc-provider from the test's directory.
func nodeDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".ci", "oidc-provider"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// NodeMissing says why the provider cannot run here ("" when it can).
func NodeMissing() string {
	dir, err := nodeDir()
	if err != nil {
		return err.Error()
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider")); err != nil {
		return fmt.Sprintf("npm oidc-provider is not installed, so the tests against a real OpenID provider do not run: run `npm ci` in %s (bash .ci/run does)", dir)
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "node is not installed, so the tests against a real OpenID provider (npm oidc-provider) do not run"
	}
	return ""
}

// StartNode runs the provider until the test ends. Without node or the
// installed package the test is skipped, saying how to install it.
func StartNode(t testing.TB, cfg NodeConfig) *Node {
	t.Helper()
	if why := NodeMissing(); why != "" {
		t.Skip(why)
	}
	dir, err := nodeDir()
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "provider.json")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	n := &Node{log: &lockedBuffer{}}
	n.cmd = exec.Command(node, filepath.Join(dir, "provider.mjs"), cfgPath)
	n.cmd.Dir = dir
	n.cmd.Stderr = n.log
	out, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Stop()
		if t.Failed() {
			t.Logf("oidc-provider's log:\n%s", n.log.String())
		}
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case line := <-ready:
		var hello struct{ Issuer string }
		if err := json.Unmarshal([]byte(line), &hello); err != nil || hello.Issuer == "" {
			t.Fatalf("oidc-provider did not start (%q): %s", line, n.log.String())
		}
		n.Issuer = hello.Issuer
	case <-time.After(30 * time.Second):
		t.Fatalf("oidc-provider did not start within 30 s: %s", n.log.String())
	}
	return n
}

// Stop ends the provider, as an outage would.
func (n *Node) Stop() {
	n.once.Do(func() {
		_ = n.cmd.Process.Kill()
		_ = n.cmd.Wait()
	})
}

// SetClaims replaces what the provider says about an account from now on.
func (n *Node) SetClaims(t testing.TB, account string, claims map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"claims": claims})
	resp, err := http.Post(n.Issuer+"/test/accounts/"+account, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("changing %s's claims: %d", account, resp.StatusCode)
	}
}

// Logins counts how often a password was entered at the provider.
func (n *Node) Logins(t testing.TB) int {
	t.Helper()
	resp, err := http.Get(n.Issuer + "/test/logins")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct{ Logins int }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v.Logins
}

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	hiddenXSRF = regexp.MustCompile(`name="xsrf" value="([^"]+)"`)
)

// AtLogin reports whether resp is the provider's login page (it asks for a
// password).
func (n *Node) AtLogin(resp *http.Response, body string) bool {
	return strings.HasPrefix(resp.Request.URL.String(), n.Issuer+"/interaction/") && strings.Contains(body, `name="password"`)
}

// Submit posts the login page's form: a username and password, or the
// cancel button when username is empty. The client follows the redirects
// back to the catalogue.
func (n *Node) Submit(t testing.TB, c *http.Client, resp *http.Response, body, username, password string) (*http.Response, string) {
	t.Helper()
	m := formAction.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form on the provider's page %s: %s", resp.Request.URL, body)
	}
	form := url.Values{"username": {username}, "password": {password}}
	if username == "" {
		form = url.Values{"cancel": {"1"}}
	}
	return n.post(t, c, resp.Request.URL, m[1], form)
}

// ConfirmLogout answers the provider's "sign out?" page with yes.
func (n *Node) ConfirmLogout(t testing.TB, c *http.Client, resp *http.Response, body string) (*http.Response, string) {
	t.Helper()
	m, x := formAction.FindStringSubmatch(body), hiddenXSRF.FindStringSubmatch(body)
	if m == nil || x == nil {
		t.Fatalf("no logout form on the provider's page %s: %s", resp.Request.URL, body)
	}
	return n.post(t, c, resp.Request.URL, m[1], url.Values{"xsrf": {x[1]}, "logout": {"yes"}})
}

func (n *Node) post(t testing.TB, c *http.Client, base *url.URL, action string, form url.Values) (*http.Response, string) {
	t.Helper()
	u, err := base.Parse(strings.ReplaceAll(action, "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.PostForm(u.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// lockedBuffer collects the provider's log from its goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
