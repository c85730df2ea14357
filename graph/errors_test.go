package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func present(err error) (string, string, map[string]any) {
	var logged strings.Builder
	p := ErrorPresenter(slog.New(slog.NewTextHandler(&logged, nil)), func(context.Context) string { return "req-1" })
	e := p(context.Background(), err)
	return e.Extensions["code"].(string), e.Message, e.Extensions
}

// The funnel reads a refusal's code, message and extensions from its type,
// wrapped or not, and never from its text.
func TestErrorFunnelTypes(t *testing.T) {
	fe := &catalog.FieldError{Entity: "availability", Field: "plannedDate", Code: "required", Message: "a planned channel needs a date"}
	for _, c := range []struct {
		name      string
		err       error
		code, msg string
		ext       map[string]any
	}{
		{"field error", fe, CodeBadUserInput, fe.Message, map[string]any{"field": "plannedDate", "reason": "required"}},
		{"wrapped field error", fmt.Errorf("row 3: %w", fe), CodeBadUserInput, fe.Message, map[string]any{"field": "plannedDate"}},
		{"not found", catalog.NotFound("channel", "there is no channel %q", "fax"), CodeNotFound, `there is no channel "fax"`, map[string]any{"field": "channel"}},
		{"stale version", &catalog.ConflictError{Entity: "product", Name: "paspoort", Expected: 2, Current: 3}, CodeConflict,
			"product paspoort changed since you opened it (you had version 2, it is now at 3); reload it and make your change again", map[string]any{"currentVersion": 3}},
		{"no credential", auth.ErrUnauthenticated, CodeUnauthenticated, auth.ErrUnauthenticated.Error(), nil},
		{"denial with a reason", fmt.Errorf("ent: %w", &auth.Denial{Reason: "product paspoort belongs to another organization"}), CodeForbidden,
			"you may not do this: product paspoort belongs to another organization", nil},
		{"denial without one", privacy.Deny, CodeForbidden, "you may not do this: ent/privacy: deny rule", nil},
		{"something of ours", errors.New("disk on fire"), CodeInternal, "internal error; quote request req-1 when you report it", map[string]any{"requestId": "req-1"}},
	} {
		code, msg, ext := present(c.err)
		if code != c.code || msg != c.msg {
			t.Errorf("%s: %s %q, want %s %q", c.name, code, msg, c.code, c.msg)
		}
		for k, v := range c.ext {
			if ext[k] != v {
				t.Errorf("%s: extensions.%s = %v, want %v", c.name, k, ext[k], v)
			}
		}
	}
	if !errors.Is(&auth.Denial{Reason: "x"}, privacy.Deny) {
		t.Error("a Denial is not Ent's privacy.Deny: Ent's policies would not stop at it")
	}
}

// A unique value taken under the rules' feet (two writers racing) is a
// CONFLICT on both databases, told by the driver's code.
func TestErrorFunnelUniqueViolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		add := func() error {
			return fixture.Try(db.Client, func(ctx context.Context, tx *ent.Client) error {
				return tx.UPLEntry.Create().SetURI("http://standaarden.overheid.nl/owms/terms/Paspoort").SetName("Paspoort").Exec(ctx)
			})
		}
		if err := add(); err != nil {
			t.Fatal(err)
		}
		err := add()
		if err == nil {
			t.Fatal("the second entry with the same URI was saved")
		}
		if code, msg, _ := present(err); code != CodeConflict || !strings.Contains(msg, "must be unique") {
			t.Errorf("unique violation: %s %q, want CONFLICT", code, msg)
		}
	})
}
