package beheer

import (
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/webassets"
)

// TestModuleImportsResolve: every module the page loads, and every module
// those import, is a file the server sends (here or in webassets' shared
// folder). A wrong path would leave the editor blank in the browser.
func TestModuleImportsResolve(t *testing.T) {
	if err := webassets.CheckImports(files, Path); err != nil {
		t.Error(err)
	}
}
