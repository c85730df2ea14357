package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The overview is made from the command table: every command is in it with
// its brief, in the table's order, and a command without a brief is caught.
func TestUsageListsEveryCommand(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"help"}, &out, &errs); code != 0 {
		t.Fatalf("help: exit %d, %s", code, errs.String())
	}
	text := out.String()
	at := 0
	for _, c := range commands {
		if c.brief == "" {
			t.Errorf("%s has no brief for the overview", c.name)
		}
		i := strings.Index(text[at:], "catalogus "+c.name+" ")
		if i < 0 {
			t.Errorf("the overview lacks %q after the commands before it:\n%s", c.name, text)
			continue
		}
		at += i
		first, _, _ := strings.Cut(c.brief, "\n")
		if !strings.Contains(text[at:], first) {
			t.Errorf("the overview lacks the brief of %s", c.name)
		}
	}
	if !strings.Contains(text, "catalogus help [command]") {
		t.Error("the overview lacks help")
	}
}
