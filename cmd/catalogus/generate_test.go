package main

import (
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestGenerateCommand writes two municipalities into a fresh SQLite file and
// shows its progress and rate; seed/national_test.go checks the data itself.
func TestGenerateCommand(t *testing.T) {
	db := storetest.URL(t, "sqlite")
	code, out, stderr := runCLI(t, "generate", "--database", db, "--municipalities", "2", "--seed", "7")
	if code != 0 || !strings.Contains(out, "generated 2 municipalities") || !strings.Contains(out, "events/s") || !strings.Contains(stderr, "100%") {
		t.Fatalf("generate: %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "report", "--database", db, "--municipality", "gemeente-002", "--format", "json")
	if code != 0 || !strings.Contains(out, `"cells"`) {
		t.Errorf("a report on a generated municipality: %d %.300s", code, out)
	}
	// A filled database is refused, and so is a number out of range.
	if code, _, stderr := runCLI(t, "generate", "--database", db, "--municipalities", "1"); code != 1 || !strings.Contains(stderr, "empty") {
		t.Errorf("a second generate: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "generate", "--database", storetest.URL(t, "sqlite"), "--municipalities", "0"); code != 1 || !strings.Contains(stderr, "--municipalities 0") {
		t.Errorf("--municipalities 0: %d %s", code, stderr)
	}
}
