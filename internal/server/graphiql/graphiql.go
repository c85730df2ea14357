// Package graphiql serves GraphiQL, the in-browser GraphQL explorer, from
// files embedded in the binary: no CDN, so it works offline and under a
// strict Content-Security-Policy. The vendored GraphiQL and React builds are
// pinned in package-lock.json and refreshed with update.sh.
package graphiql

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io"
	"net/http"
	"path"
	"strings"
)

//go:embed index.html init.js page.css assets/*.gz
var files embed.FS

// Prefix is where the page's assets are served.
const Prefix = "/graphiql/"

// ContentSecurityPolicy allows only this server's own scripts and styles.
// GraphiQL's stylesheet carries its fonts as data: URLs and its editor sets
// inline styles.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"font-src 'self' data:; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Page serves the GraphiQL page.
func Page() http.Handler {
	page, err := files.ReadFile("index.html")
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(page)
	})
}

// Assets serves the page's scripts and stylesheets under Prefix.
func Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		if name == "" || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		switch path.Ext(name) {
		case ".js":
			h.Set("Content-Type", "text/javascript; charset=utf-8")
		case ".css":
			h.Set("Content-Type", "text/css; charset=utf-8")
		default:
			http.NotFound(w, r)
			return
		}
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("X-Content-Type-Options", "nosniff")
		if b, err := files.ReadFile(name); err == nil {
			_, _ = w.Write(b)
			return
		}
		gz, err := files.ReadFile("assets/" + name + ".gz")
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
	})
}
