// Package webassets serves files embedded in the binary (the dashboard, the
// editor, the GraphiQL page): plain files as they are, and large vendored
// ones stored gzipped, sent compressed to browsers that accept it and
// unpacked for the rest. It also serves the script modules the dashboard and
// the editor share (folder shared, at SharedPath), and checks that every
// module's imports name a file served (Unresolved).
package webassets

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed shared
var shared embed.FS

// SharedPath is where the modules of folder shared are served.
const SharedPath = "/shared"

// Shared serves the modules of folder shared at SharedPath, never cached
// unchecked, like the pages that import them.
func Shared() http.Handler {
	files, err := fs.Sub(shared, "shared")
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, SharedPath), "/")
		Serve(w, r, files, name, "no-cache")
	})
}

var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".png":  "image/png",
	".svg":  "image/svg+xml",
}

// Site serves the page index.html of files' directory assets at prefix and
// the other files beside it by name, never cached unchecked, with the page's
// Content-Security-Policy: the dashboard and the editor are served so.
func Site(files fs.FS, prefix, csp string) http.Handler {
	assets, err := fs.Sub(files, "assets")
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "same-origin")
		name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, prefix), "/")
		if name == "" {
			name = "index.html"
		}
		Serve(w, r, assets, name, "no-cache")
	})
}

// Serve writes the file name of fsys, or name.gz when only that exists.
// Unknown names and types answer 404.
func Serve(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string, cacheControl string) {
	ctype, ok := types[path.Ext(name)]
	if !ok || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", cacheControl)
	if b, err := fs.ReadFile(fsys, name); err == nil {
		_, _ = w.Write(b)
		return
	}
	gz, err := fs.ReadFile(fsys, name+".gz")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h.Add("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		_, _ = w.Write(gz)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		http.Error(w, "damaged asset", http.StatusInternalServerError)
		return
	}
	_, _ = io.Copy(w, zr)
}
