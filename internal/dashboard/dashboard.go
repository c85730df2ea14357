// Package dashboard serves the coverage dashboard at /dashboard: a page that
// shows the 2026 promise at a glance. It is plain HTML, CSS and a JavaScript
// module embedded in the binary, styled with NL Design System (Rotterdam's
// tokens and the community components, vendored under assets/vendor), and it
// reads only the public GraphQL API (docs/dashboard-queries.md).
package dashboard

import (
	"embed"
	"net/http"

	"github.com/gemeente-rotterdam/catalogus/internal/webassets"
)

//go:embed assets
var files embed.FS

// Path is where the dashboard lives.
const Path = "/dashboard"

// ContentSecurityPolicy allows only this server's own scripts, styles and
// API; the component CSS carries small images as data: URLs.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the page and its assets.
func Handler() http.Handler { return webassets.Site(files, Path, ContentSecurityPolicy) }
