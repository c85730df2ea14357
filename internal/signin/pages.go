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
{{if .Continue}}<meta http-equiv="refresh" content="0; url={{.Continue}}">{{end}}
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
{{if .Contact}}<p class="utrecht-paragraph" id="contact">Kom je er niet uit? Neem contact op met {{.Contact}}{{if .Code}} en noem de foutcode{{end}}.</p>{{end}}
{{if .Code}}<p class="utrecht-paragraph" id="code">Foutcode: <code>{{.Code}}</code></p>{{end}}
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
{{else if .Continue}}
<p class="utrecht-paragraph"><a class="utrecht-link" id="continue" href="{{.Continue}}">Verder</a></p>
{{else}}
<ul class="utrecht-unordered-list">
{{if .Again}}<li><a class="utrecht-link" id="again" href="/beheer/login">Opnieuw aanmelden</a></li>{{end}}
{{if .Other}}<li><a class="utrecht-link" id="other" href="/beheer/login?prompt=login">Aanmelden als iemand anders</a></li>{{end}}
<li><a class="utrecht-link" href="/beheer/">Naar de beginpagina van de catalogus</a></li>
</ul>
{{end}}
</main>
</body>
</html>
`))

type pageData struct {
	Title, Message, Token, Next string
	Code, Contact, Continue     string
	Again, Other, Dev           bool
	Orgs                        []orgOption
}

type orgOption struct{ Code, Name string }

func renderPage(w http.ResponseWriter, status int, d pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d)
}

// defaultContact is whom to ask when Config.Contact names nobody.
const defaultContact = "de beheerder van de catalogus in je organisatie"

// show tells the person what went wrong and logs it as its kind asks: a
// failed sign-in goes to the security log too; the catalogue's own set-up
// is an error for the operator, not someone's failed sign-in.
func (s *Service) show(w http.ResponseWriter, r *http.Request, p *problem) {
	client := s.clients.Of(r)
	switch p.kind {
	case refused:
		s.log.Warn("sign-in refused", "code", p.Code, "reason", p.Detail, "client", client)
		if err := auth.Record(context.WithoutCancel(r.Context()), s.cfg.Client, auth.AuthFailed, "sso", client, "sign-in refused: "+p.Code+": "+p.Detail); err != nil {
			s.log.Error("writing the security log", "err", err)
		}
	case operator:
		s.log.Error("sign-in impossible: the catalogue's set-up at the identity provider is wrong", "code", p.Code, "reason", p.Detail)
	case unavailable:
		s.log.Warn("sign-in impossible: the identity provider is unavailable", "code", p.Code, "reason", p.Detail)
	case cancelled:
		s.log.Info("sign-in cancelled at the identity provider", "reason", p.Detail, "client", client)
	case internal:
		s.log.Error("sign-in failed", "code", p.Code, "err", p.Detail)
	}
	d := pageData{Title: p.title, Message: p.Message, Again: p.again, Other: p.other && s.idp != nil}
	if p.kind != notice {
		d.Code = p.Code
	}
	if p.contact {
		d.Contact = s.cfg.Contact
		if d.Contact == "" {
			d.Contact = defaultContact
		}
	}
	renderPage(w, p.status, d)
}

// unavailable answers an API request the database could not serve.
func (s *Service) unavailable(w http.ResponseWriter, what string, err error) {
	s.log.Error("sign-in: the database failed", "what", what, "err", err)
	writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "the catalogue's database is unavailable; try again shortly")
}

const devCookie = "catalogus-dev-login"

// devLoginForm lets someone pick a name, role and organization. The form
// carries a token also set as a cookie, so that another site cannot post it.
func (s *Service) devLoginForm(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.cfg.Client.Organization.Query().Order(organization.ByName()).All(auth.Allow(r.Context()))
	if err != nil {
		s.show(w, r, newProblem("intern", "listing organizations: "+err.Error()))
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
		s.show(w, r, newProblem("formulier-verlopen", "dev login without its token"))
		return
	}
	s.clearCookie(w, devCookie, DevLoginPath, http.SameSiteStrictMode)
	id := Identity{Name: r.PostFormValue("name"), Role: auth.Role(r.PostFormValue("role")), Org: r.PostFormValue("org")}
	switch {
	case id.Name == "" || len(id.Name) > 100:
		s.show(w, r, newProblem("ontwikkel-invoer", "dev login without a name", "Vul een naam in (hoogstens 100 tekens)."))
		return
	case !slices.Contains([]auth.Role{auth.Admin, auth.Editor}, id.Role):
		s.show(w, r, newProblem("ontwikkel-invoer", "dev login with role "+string(id.Role), "Kies redacteur of beheerder."))
		return
	case id.Role == auth.Editor && id.Org == "":
		s.show(w, r, newProblem("ontwikkel-invoer", "dev login: editor without organization", "Een redacteur hoort bij een organisatie."))
		return
	}
	s.log.Warn("DEVELOPMENT SIGN-IN: someone signed in without an identity provider", "name", id.Name, "role", id.Role, "organization", id.Org)
	s.start(w, r, id, true, localNext(r.PostFormValue("next")), provider{}, nil)
}
