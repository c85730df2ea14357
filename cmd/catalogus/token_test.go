package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

func TestTokenCommands(t *testing.T) {
	u := seededSQLite(t)
	code, out, stderr := runCLI(t, "token", "create", "--database", u, "--name", "website", "--role", "editor", "--organization", "publiekszaken")
	if code != 0 {
		t.Fatalf("create: %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "cat_") || len(token) < 40 {
		t.Fatalf("the last line is %q, want the token", token)
	}
	db, err := store.Open(context.Background(), u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tokens := auth.Tokens{Client: db.Client}
	v, err := tokens.Authenticate(context.Background(), token)
	if err != nil || v.Role != auth.Editor || len(v.Scope) != 1 {
		t.Fatalf("authenticate: %+v, %v", v, err)
	}
	if _, err := tokens.Authenticate(context.Background(), token+"x"); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("a changed token: %v", err)
	}

	code, out, _ = runCLI(t, "token", "list", "--database", u)
	if code != 0 || !strings.Contains(out, "website") || !strings.Contains(out, "publiekszaken") || strings.Contains(out, token) {
		t.Errorf("list: %d\n%s", code, out)
	}
	if code, out, _ = runCLI(t, "token", "revoke", "--database", u, "website"); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("revoke: %d %s", code, out)
	}
	if _, err := tokens.Authenticate(context.Background(), token); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if code, out, stderr := runCLI(t, "retention", "apply", "--database", u, "--older-than", "1d"); code != 0 || !strings.Contains(out, "replaced by pseudonyms") || !strings.Contains(out, "call-back requests") {
		t.Errorf("retention apply: %d %s %s", code, out, stderr)
	}
	for _, args := range [][]string{
		{"retention", "apply", "--older-than", "ooit"},
		{"token", "create", "--name", "x", "--role", "god"},
		{"token", "create", "--name", "x", "--role", "editor"},
		{"token", "create", "--name", "Mijn Token", "--role", "admin"},
		{"token", "create", "--name", "x", "--role", "editor", "--organization", "nergens"},
		{"token", "create", "--name", "website", "--role", "admin"},
		{"token", "revoke", "website"},
		{"token", "revoke", "onbekend"},
		{"token", "revoke"},
	} {
		full := append([]string{args[0], args[1], "--database", u}, args[2:]...)
		code, _, stderr := runCLI(t, full...)
		if code == 0 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
