// Package beheer serves the editor pages at /beheer, where product owners
// keep their products and channel availability up to date: "Mijn producten",
// a product page with its channels, answers and history, "Antwoorden" (the
// answer base: look up, write and review answers, every channel's wording
// beside the main answer), "Terugbelverzoeken" (the organization's call-back
// queue), and sign-in through the city's identity provider (package signin). Like the dashboard, the pages
// are plain HTML, CSS and a JavaScript module embedded in the binary, styled
// with the dashboard's vendored NL Design System CSS, and they change the
// catalogue only through the public GraphQL API's mutations, sent to
// /beheer/graphql with the session cookie and its CSRF token.
package beheer

import (
	"embed"
	"net/http"

	"github.com/gemeente-rotterdam/catalogus/internal/webassets"
)

//go:embed assets
var files embed.FS

// Path is where the editor lives.
const Path = "/beheer"

// ContentSecurityPolicy allows only this server's own scripts, styles and
// API, and forms (sign-out) to this server.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Handler serves the pages and their assets. Every page is the same
// document; the script shows the list, a product or the admin area by the
// address's fragment.
func Handler() http.Handler { return webassets.Site(files, Path, ContentSecurityPolicy) }
