package beheer

import (
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/webassets"
)

// TestModuleImportsResolve: every module the page loads, and every module
// those import, is a file the server sends (here or in webassets' shared
// folder). A wrong path would leave the editor blank in the browser.
func TestModuleImportsResolve(t *testing.T) {
	bad, err := webassets.Unresolved(files, Path)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("imports that name no file served:\n%s", strings.Join(bad, "\n"))
	}
}
