// Package layers holds the test that keeps the packages' imports pointing
// down (docs/architecture.md): every package has a layer, and a package
// imports only packages of lower layers — never one beside it or above it.
package layers

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/gemeente-rotterdam/catalogus/"

// layers lists the packages from the bottom up; a package may import those
// of the layers before its own. A new package must be placed here.
var layers = [][]string{
	// Leaves: plain Go, no Ent.
	{"internal/catalog", "internal/clock", "internal/dberr", "internal/progress", "internal/clientaddr",
		"internal/schemacheck", "internal/webassets", "internal/exchange/csvfile", "internal/browsertest", "internal/loadtest",
		"internal/plainlang", "internal/dburl", "internal/coverage/tally", "internal/live", "internal/replicatest"},
	// Ent's generated code (one unit: its packages import each other) and the API's scalars.
	{"ent", "graph/scalar"},
	// Questions and transactions on the generated client.
	{"internal/txn", "internal/orgtree"},
	// The hooks every write passes: the change log, the search index.
	{"internal/changelog", "internal/search"},
	// Who may do what.
	{"internal/auth"},
	// The rule hooks, and a caller's change in one transaction.
	{"internal/rules", "internal/change"},
	// The schema, which installs the policies and hooks above.
	{"ent/schema"},
	// Ent's runtime, which registers the schema's hooks with the client.
	{"ent/runtime"},
	// Opening the database; Ent's generated test client.
	{"internal/store", "internal/store/schemadiff", "ent/enttest"},
	// The domain: each package on its own, none importing another.
	{"internal/editing", "internal/knowledge", "internal/audit", "internal/coverage", "internal/satisfaction", "internal/feed",
		"internal/upl", "internal/publish", "internal/retention", "internal/signin", "internal/dashboard",
		"internal/beheer", "internal/server/graphiql", "internal/store/storetest", "internal/satisfaction/satisfactiontest"},
	// Formats, importers and checks built on the domain.
	{"internal/readiness", "internal/publish/cpsvap", "internal/publish/scfeed", "internal/publish/schemaorg", "internal/exchange/csvsheet",
		"internal/exchange/measurecsv", "internal/backup", "internal/signin/signintest", "internal/store/newmigration", "bench/floorsql"},
	// The seed data and its loader.
	{"seed"},
	// Small catalogues for tests, written through the seed's and the hooks' code.
	{"internal/fixture"},
	{"internal/publish/publishtest"},
	// The API.
	{"graph"},
	// HTTP.
	{"internal/server"},
	{"internal/server/servertest", "internal/server/replication"},
	// The binary.
	{"cmd/catalogus"},
}

// layerOf places a package: its entry, or for Ent's generated packages the
// "ent" unit.
func layerOf(pkg string) (int, bool) {
	for i, l := range layers {
		if slices.Contains(l, pkg) {
			return i, true
		}
	}
	if strings.HasPrefix(pkg, "ent/") && pkg != "ent/schema" && pkg != "ent/runtime" && pkg != "ent/enttest" && !strings.HasPrefix(pkg, "ent/template") {
		return layerOf("ent")
	}
	return 0, false
}

func generated(pkg string) bool {
	_, isEnt := layerOf(pkg)
	l, _ := layerOf("ent")
	at, _ := layerOf(pkg)
	return isEnt && at == l && pkg != "graph/scalar"
}

// packages reads every package of the module below root: its path and what
// its non-test files import from the module.
func packages(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "vendor") {
			return filepath.SkipDir
		}
		p, err := build.Default.ImportDir(path, 0)
		if err != nil || len(p.GoFiles) == 0 {
			return nil // no Go files here, or only tests
		}
		rel, _ := filepath.Rel(root, path)
		pkg := filepath.ToSlash(rel)
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module) {
				out[pkg] = append(out[pkg], strings.TrimPrefix(imp, module))
			}
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportsPointDown holds every import of the module's own packages to
// the layers: down only.
func TestImportsPointDown(t *testing.T) {
	pkgs := packages(t, "../..")
	if len(pkgs) < 40 {
		t.Fatalf("read only %d packages; is the test running from internal/layers?", len(pkgs))
	}
	for pkg, imports := range pkgs {
		if pkg == "." || strings.HasPrefix(pkg, "ent/template") {
			continue
		}
		from, ok := layerOf(pkg)
		if !ok {
			t.Errorf("%s has no layer: place it in internal/layers/layers_test.go (and docs/architecture.md)", pkg)
			continue
		}
		for _, imp := range imports {
			to, ok := layerOf(imp)
			switch {
			case !ok:
				t.Errorf("%s imports %s, which has no layer", pkg, imp)
			case generated(pkg) && generated(imp):
				// Ent's generated packages import each other.
			case to >= from:
				t.Errorf("%s imports %s, which is not below it (layer %d → %d): nothing reaches back up or sideways", pkg, imp, from, to)
			}
		}
	}
}

// TestLayersCatchAnArrowUp shows that the check can fail: an import from
// the domain to the API is refused, one from a domain package to its
// sibling too.
func TestLayersCatchAnArrowUp(t *testing.T) {
	for _, arrow := range [][2]string{{"internal/editing", "graph"}, {"internal/knowledge", "internal/editing"}, {"ent/schema", "internal/satisfaction"}} {
		from, _ := layerOf(arrow[0])
		to, _ := layerOf(arrow[1])
		if to < from {
			t.Errorf("%s → %s would pass", arrow[0], arrow[1])
		}
	}
}
