package webassets

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// The static imports and re-exports of a module: `import x from '…'`,
// `import { a, b } from '…'` (over several lines too), `import '…'` and
// `export … from '…'`, each at the start of a line, as this project writes
// them. A line comment or a string that says "import" is not at the start
// of a line of code, so it is not taken for one.
var (
	moduleFrom   = regexp.MustCompile(`(?m)^[ \t]*(?:import|export)\b[^'"` + "`" + `;]*?\bfrom[ \t]*['"]([^'"\n]+)['"]`)
	moduleBare   = regexp.MustCompile(`(?m)^[ \t]*import[ \t]*['"]([^'"\n]+)['"]`)
	moduleScript = regexp.MustCompile(`<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"`)
)

// Imports lists the module paths a script imports, in their order.
func Imports(src string) []string {
	type hit struct {
		at   int
		spec string
	}
	var hits []hit
	for _, re := range []*regexp.Regexp{moduleFrom, moduleBare} {
		for _, m := range re.FindAllStringSubmatchIndex(src, -1) {
			hits = append(hits, hit{m[2], src[m[2]:m[3]]})
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.spec
	}
	return out
}

// CheckImports is Unresolved as an error: nil when every import resolves,
// else one line per import that does not.
func CheckImports(files fs.FS, prefix string) error {
	bad, err := Unresolved(files, prefix)
	if err != nil || len(bad) == 0 {
		return err
	}
	return errors.New("imports that name no file served:\n" + strings.Join(bad, "\n"))
}

// Unresolved checks a site as Site serves it (files' folder assets at
// prefix) beside the shared modules at SharedPath: every import of every
// .js file, and every module script of every .html page, must name a file
// one of them serves. It returns one line per path that does not, naming
// the file that asks for it; a browser would fail to load the page's
// script, and nothing else would say so before it did.
func Unresolved(files fs.FS, prefix string) ([]string, error) {
	assets, err := fs.Sub(files, "assets")
	if err != nil {
		return nil, err
	}
	sharedFiles, err := fs.Sub(shared, "shared")
	if err != nil {
		return nil, err
	}
	sites := map[string]fs.FS{prefix: assets, SharedPath: sharedFiles}
	var bad []string
	for at, fsys := range sites {
		err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			var specs []string
			switch path.Ext(name) {
			case ".js":
				b, err := fs.ReadFile(fsys, name)
				if err != nil {
					return err
				}
				specs = Imports(string(b))
			case ".html":
				b, err := fs.ReadFile(fsys, name)
				if err != nil {
					return err
				}
				for _, m := range moduleScript.FindAllStringSubmatch(string(b), -1) {
					specs = append(specs, m[1])
				}
			default:
				return nil
			}
			self := path.Join(at, name)
			for _, spec := range specs {
				if why := resolve(sites, self, spec); why != "" {
					bad = append(bad, fmt.Sprintf("%s imports %q: %s", self, spec, why))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(bad)
	return bad, nil
}

// resolve says why spec, imported by the file served at self, names no
// file served, or "" when it does.
func resolve(sites map[string]fs.FS, self, spec string) string {
	var p string
	switch {
	case strings.HasPrefix(spec, "/"):
		p = path.Clean(spec)
	case strings.HasPrefix(spec, "./"), strings.HasPrefix(spec, "../"):
		p = path.Join(path.Dir(self), spec)
	default:
		// A bare name ('lib.js', 'react') needs an import map, which these
		// pages do not have; a full URL would load from elsewhere, which
		// their Content-Security-Policy refuses.
		return "not a path on this server (start it with /, ./ or ../)"
	}
	if path.Ext(p) != ".js" {
		// The server sends CSS and images too, but a module script
		// cannot import them without import attributes.
		return "not a script module (.js)"
	}
	for at, fsys := range sites {
		name, ok := strings.CutPrefix(p, at+"/")
		if !ok {
			continue
		}
		if fs.ValidPath(name) {
			if _, err := fs.Stat(fsys, name); err == nil {
				return ""
			}
			if _, err := fs.Stat(fsys, name+".gz"); err == nil {
				return ""
			}
		}
		return "no such file in " + at
	}
	return "outside every folder served here"
}
