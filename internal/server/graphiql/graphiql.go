// Package graphiql serves GraphiQL, the in-browser GraphQL explorer, from
// files embedded in the binary: no CDN, so it works offline and under a
// strict Content-Security-Policy. The vendored GraphiQL and React builds are
// pinned in package-lock.json and refreshed with update.sh.
package graphiql

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/internal/webassets"
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
		webassets.Serve(w, r, files, "index.html", "no-cache")
	})
}

// Assets serves the page's scripts and stylesheets under Prefix.
func Assets() http.Handler {
	assets, err := fs.Sub(files, "assets")
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		if name == "index.html" || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		fsys := fs.FS(files)
		if _, err := fs.Stat(files, name); err != nil {
			fsys = assets
		}
		webassets.Serve(w, r, fsys, name, "public, max-age=3600")
	})
}
