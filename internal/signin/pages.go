package signin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

func sameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with a GraphQL error body, as /graphql does.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]string{"code": code}}},
	})
}

// pageCSP allows the sign-in pages their own stylesheet and forms to this server only.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Catalogus</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/vendor/rotterdam-design-tokens.css">
<link rel="stylesheet" href="/dashboard/vendor/utrecht-components.css">
<link rel="stylesheet" href="/beheer/app.css">
</head>
<body class="rotterdam-theme utrecht-document utrecht-document--surface">
<main id="main" class="signin">
<h1 class="utrecht-heading-1">{{.Title}}</h1>
{{if .Message}}<p class="utrecht-paragraph" id="message" role="alert">{{.Message}}</p>{{end}}
{{if .Dev}}
<p class="utrecht-paragraph warning"><strong>Ontwikkel-aanmelding.</strong> Iedereen kan hier kiezen wie hij is. Alleen voor uitproberen, nooit in productie.</p>
<form method="post" action="/beheer/dev-login" class="dev-login">
<input type="hidden" name="token" value="{{.Token}}">
<input type="hidden" name="next" value="{{.Next}}">
<div class="utrecht-form-field"><label class="utrecht-form-label" for="name">Naam</label>
<input class="utrecht-textbox utrecht-textbox--html-input" id="name" name="name" value="ontwikkelaar" required></div>
<div class="utrecht-form-field"><label class="utrecht-form-label" for="role">Rol</label>
<select class="utrecht-select utrecht-select--html-select" id="role" name="role"><option value="EDITOR">Redacteur</option><option value="ADMIN">Beheerder</option></select></div>
<div class="utrecht-form-field"><label class="utrecht-form-label" for="org">Organisatie</label>
<select class="utrecht-select utrecht-select--html-select" id="org" name="org">{{range .Orgs}}<option value="{{.Code}}">{{.Name}} ({{.Code}})</option>{{end}}<option value="">— alles (alleen beheerder) —</option></select></div>
<button class="utrecht-button utrecht-button--primary-action" type="submit" id="dev-submit">Aanmelden</button>
</form>
{{else}}
<p class="utrecht-paragraph"><a class="utrecht-link" href="/beheer/login">Opnieuw aanmelden</a></p>
{{end}}
</main>
</body>
</html>
`))

type pageData struct {
	Title, Message, Token, Next string
	Dev                         bool
	Orgs                        []orgOption
}

type orgOption struct{ Code, Name string }

func renderPage(w http.ResponseWriter, status int, d pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d)
}

// refuse tells the person why they cannot sign in, and logs the details.
// Refusals go to the security log too, as failed sign-ins.
func (s *Service) refuse(w http.ResponseWriter, r *http.Request, dutch, detail string) {
	client := s.clients.Of(r)
	s.log.Warn("sign-in refused", "reason", detail, "client", client)
	if err := auth.Record(context.WithoutCancel(r.Context()), s.cfg.Client, auth.AuthFailed, "sso", client, "sign-in refused: "+detail); err != nil {
		s.log.Error("writing the security log", "err", err)
	}
	renderPage(w, http.StatusForbidden, pageData{Title: "Aanmelden lukt niet", Message: dutch})
}

// unavailable answers an API request the database could not serve.
func (s *Service) unavailable(w http.ResponseWriter, what string, err error) {
	s.log.Error("sign-in: the database failed", "what", what, "err", err)
	writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "the catalogue's database is unavailable; try again shortly")
}

func (s *Service) fail(w http.ResponseWriter, r *http.Request, status int, what string, err error) {
	s.log.Error("sign-in failed", "what", what, "err", err)
	renderPage(w, status, pageData{Title: "Er ging iets mis", Message: "Probeer het later opnieuw."})
}

const devCookie = "catalogus-dev-login"

// devLoginForm lets someone pick a name, role and organization. The form
// carries a token also set as a cookie, so that another site cannot post it.
func (s *Service) devLoginForm(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.cfg.Client.Organization.Query().Order(organization.ByName()).All(auth.Allow(r.Context()))
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "listing organizations", err)
		return
	}
	d := pageData{Title: "Aanmelden (ontwikkeling)", Dev: true, Token: random(24), Next: localNext(r.URL.Query().Get("next"))}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, orgOption{Code: o.Code, Name: o.Name})
	}
	s.setCookie(w, devCookie, d.Token, DevLoginPath, s.cfg.Now().Add(30*time.Minute), http.SameSiteStrictMode)
	renderPage(w, http.StatusOK, d)
}

func (s *Service) devLogin(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(s.cookieName(devCookie))
	if err != nil || !sameToken(r.PostFormValue("token"), c.Value) {
		s.refuse(w, r, "het formulier is verlopen of komt niet van deze site; probeer opnieuw", "dev login without its token")
		return
	}
	s.clearCookie(w, devCookie, DevLoginPath, http.SameSiteStrictMode)
	id := Identity{Name: r.PostFormValue("name"), Role: auth.Role(r.PostFormValue("role")), Org: r.PostFormValue("org")}
	switch {
	case id.Name == "" || len(id.Name) > 100:
		s.refuse(w, r, "vul een naam in (hoogstens 100 tekens)", "dev login without a name")
		return
	case !slices.Contains([]auth.Role{auth.Admin, auth.Editor}, id.Role):
		s.refuse(w, r, "kies redacteur of beheerder", "dev login with role "+string(id.Role))
		return
	case id.Role == auth.Editor && id.Org == "":
		s.refuse(w, r, "een redacteur hoort bij een organisatie", "dev login: editor without organization")
		return
	}
	s.log.Warn("DEVELOPMENT SIGN-IN: someone signed in without an identity provider", "name", id.Name, "role", id.Role, "organization", id.Org)
	s.start(w, r, id, true, localNext(r.PostFormValue("next")), provider{})
}
