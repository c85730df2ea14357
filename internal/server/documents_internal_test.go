package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// TestDocumentErrors: each kind of failure gets its status and a plain
// message, and nothing of an internal error leaks.
func TestDocumentErrors(t *testing.T) {
	d := documents{log: slog.New(slog.DiscardHandler)}
	for _, c := range []struct {
		err    error
		status int
		says   string
	}{
		{errNoDocument{"there is no published product \"x\""}, http.StatusNotFound, "no published product"},
		{catalog.NotFound("municipality", "there is no municipality with code %q", "nergens"), http.StatusNotFound, "nergens"},
		{catalog.BadArgument("municipality", "required", "name one"), http.StatusBadRequest, "name one"},
		{fmt.Errorf("querying: %w", syscall.ECONNREFUSED), http.StatusServiceUnavailable, "cannot be reached"},
		{errors.New("secret detail"), http.StatusInternalServerError, "internal error"},
	} {
		w := httptest.NewRecorder()
		d.fail(w, httptest.NewRequest(http.MethodGet, "/sc.xml", nil), c.err)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.says) || strings.Contains(w.Body.String(), "secret") {
			t.Errorf("%v: %d %q, want %d saying %q", c.err, w.Code, w.Body.String(), c.status, c.says)
		}
	}
}
