package signin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// A problem is a sign-in that did not work: what the person reads (in
// Dutch, with a code a helpdesk can look up in docs/signin.md) and what the
// log gets. Each kind of failure has its own code, message and log line, so
// that nobody retries what retrying cannot fix, and a misconfiguration is
// not mistaken for someone failing to sign in.
type problem struct {
	Code    string
	Message string
	// Detail is for the log, in English: what exactly happened.
	Detail string
	kind   problemKind
	status int
	// again offers "Opnieuw aanmelden"; other offers "Aanmelden als iemand
	// anders" (a fresh login at the provider); contact adds whom to ask.
	again, other, contact bool
	title                 string
}

func (p *problem) Error() string { return p.Code + ": " + p.Detail }

type problemKind int

const (
	// refused: a failed sign-in; logged as a warning and in the security log.
	refused problemKind = iota
	// operator: the catalogue's set-up is wrong (client registration, clock);
	// logged as an error for the operator, never as someone's failed sign-in.
	operator
	// unavailable: the identity provider is down, slow or failing.
	unavailable
	// cancelled: the person stopped at the provider.
	cancelled
	// notice: not a failure, something to tell.
	notice
	// internal: our own fault (the database).
	internal
)

// problemTemplates are every problem the sign-in can show, by code. The
// messages may hold %s or %q for the details. docs/signin.md has a row for
// each code (TestEveryMessageIsDocumented holds it to that).
var problemTemplates = map[string]problem{
	"provider-onbereikbaar": {kind: unavailable, status: http.StatusServiceUnavailable, again: true, title: "Aanmelden kan nu niet",
		Message: "De aanmelddienst van de gemeente (de identity provider) is nu niet bereikbaar. De catalogus zelf werkt gewoon; probeer het over een paar minuten opnieuw."},
	"provider-traag": {kind: unavailable, status: http.StatusServiceUnavailable, again: true, title: "Aanmelden kan nu niet",
		Message: "De aanmelddienst van de gemeente (de identity provider) antwoordt niet op tijd. Probeer het over een paar minuten opnieuw."},
	"provider-storing": {kind: unavailable, status: http.StatusBadGateway, again: true, title: "Aanmelden kan nu niet",
		Message: "De aanmelddienst van de gemeente (de identity provider) meldt een storing (%s). Probeer het later opnieuw."},
	"instelling": {kind: operator, status: http.StatusServiceUnavailable, contact: true, title: "Aanmelden is niet goed ingesteld",
		Message: "De catalogus is bij de aanmelddienst niet goed ingesteld (%s). Dit kun je zelf niet oplossen."},
	"klok": {kind: operator, status: http.StatusServiceUnavailable, again: true, contact: true, title: "Aanmelden is niet goed ingesteld",
		Message: "De klokken van de catalogus en van de aanmelddienst lopen te ver uiteen, waardoor je aanmelding verlopen of nog niet geldig lijkt. Dit kun je zelf niet oplossen."},
	"afgebroken": {kind: cancelled, status: http.StatusOK, again: true, other: true, contact: true, title: "Aanmelden afgebroken",
		Message: "Je hebt het aanmelden afgebroken, of de aanmelddienst heeft het geweigerd (bijvoorbeeld omdat je account geen toegang tot de catalogus heeft)."},
	"aanmelding-verlopen": {kind: refused, status: http.StatusForbidden, again: true, title: "Aanmelden lukt niet",
		Message: "Je aanmelding is verlopen, of begonnen in een ander venster of een andere browser. Meld je opnieuw aan."},
	"aanmelding-onbekend": {kind: refused, status: http.StatusForbidden, again: true, title: "Aanmelden lukt niet",
		Message: "Het antwoord van de aanmelddienst hoort niet bij deze aanmelding. Meld je opnieuw aan."},
	"code-ongeldig": {kind: refused, status: http.StatusForbidden, again: true, title: "Aanmelden lukt niet",
		Message: "De aanmeldcode van de aanmelddienst was al gebruikt of verlopen. Meld je opnieuw aan."},
	"token-ongeldig": {kind: refused, status: http.StatusForbidden, again: true, contact: true, title: "Aanmelden lukt niet",
		Message: "De aanmelddienst stuurde een bewijs van aanmelding (ID-token) dat de catalogus niet kan aannemen. Meld je opnieuw aan; gebeurt dit steeds, dan ligt het niet aan jou."},
	"geen-naam": {kind: refused, status: http.StatusForbidden, other: true, contact: true, title: "Aanmelden lukt niet",
		Message: "De aanmelddienst gaf geen naam voor je door (preferred_username, email of sub)."},
	"naam-te-lang": {kind: refused, status: http.StatusForbidden, other: true, contact: true, title: "Aanmelden lukt niet",
		Message: "De naam die de aanmelddienst voor je doorgaf is langer dan 200 tekens."},
	"geen-rol": {kind: refused, status: http.StatusForbidden, other: true, contact: true, title: "Je hebt geen toegang tot de catalogus",
		Message: "Je account heeft geen rol in de catalogus: het staat niet in de groep voor redacteuren of beheerders. Vraag om toegang, of meld je aan met een ander account."},
	"meer-organisaties": {kind: refused, status: http.StatusForbidden, other: true, contact: true, title: "Aanmelden lukt niet",
		Message: "Je account hoort bij meer dan één organisatie in de catalogus (%s). Een redacteur hoort bij één organisatie."},
	"geen-organisatie": {kind: refused, status: http.StatusForbidden, other: true, contact: true, title: "Aanmelden lukt niet",
		Message: "Je account zegt niet voor welke organisatie je werkt. Een redacteur hoort bij één organisatie."},
	"organisatie-onbekend": {kind: refused, status: http.StatusForbidden, other: true, contact: true, title: "Aanmelden lukt niet",
		Message: "Je organisatie %q staat niet in de catalogus. Een beheerder kan haar toevoegen."},
	"formulier-verlopen": {kind: refused, status: http.StatusForbidden, again: true, title: "Aanmelden lukt niet",
		Message: "Het formulier is verlopen of komt niet van deze site. Probeer het opnieuw."},
	"ontwikkel-invoer": {kind: refused, status: http.StatusForbidden, again: true, title: "Aanmelden lukt niet",
		Message: "%s"},
	"afgemeld-provider-onbereikbaar": {kind: notice, status: http.StatusOK, title: "Afgemeld",
		Message: "Je bent afgemeld bij de catalogus. De aanmelddienst was niet bereikbaar, dus daar ben je mogelijk nog aangemeld: sluit je browser als je deze computer met anderen deelt."},
	"afmelden-bij-provider": {kind: notice, status: http.StatusOK, title: "Afmelden",
		Message: "Je bent afgemeld bij de catalogus. Je wordt nu ook afgemeld bij de aanmelddienst van de gemeente."},
	"intern": {kind: internal, status: http.StatusInternalServerError, again: true, title: "Er ging iets mis",
		Message: "Er ging iets mis in de catalogus. Probeer het later opnieuw."},
}

// newProblem makes the problem with the given code; args fill its message.
func newProblem(code, detail string, args ...any) *problem {
	t, ok := problemTemplates[code]
	if !ok {
		panic("signin: no problem " + code)
	}
	p := t
	p.Code = code
	p.Detail = detail
	if len(args) > 0 {
		p.Message = fmt.Sprintf(t.Message, args...)
	}
	return &p
}

// transportProblem names a failure to reach the provider: too slow, or not
// there at all.
func transportProblem(what string, err error) *problem {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return newProblem("provider-traag", what+": "+err.Error())
	}
	return newProblem("provider-onbereikbaar", what+": "+err.Error())
}

// isTransport reports whether err is a failure to talk to the provider at
// all (rather than an answer from it).
func isTransport(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded)
}

// oauthError is an error answer of the provider's endpoints (RFC 6749 5.2,
// and the authorization response's error parameter).
type oauthError struct {
	Status      int
	Code        string
	Description string
}

func (e *oauthError) Error() string {
	s := fmt.Sprintf("%d %s", e.Status, e.Code)
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// endpointProblem turns an error answer of the token or UserInfo endpoint
// into what the person and the operator need to know.
func endpointProblem(what string, e *oauthError) *problem {
	detail := what + ": " + e.Error()
	switch {
	case e.Code == "invalid_client" || e.Code == "unauthorized_client" || (e.Code == "" && e.Status == http.StatusUnauthorized):
		return newProblem("instelling", detail+" — check --oidc-client-id and the client secret or --oidc-client-key against the provider's registration", orDefault(e.Code, "invalid_client"))
	case e.Code == "invalid_grant":
		return newProblem("code-ongeldig", detail)
	case e.Code == "server_error" || e.Code == "temporarily_unavailable" || e.Status >= 500:
		return newProblem("provider-storing", detail, orDefault(e.Code, fmt.Sprintf("HTTP %d", e.Status)))
	default:
		return newProblem("instelling", detail, orDefault(e.Code, fmt.Sprintf("HTTP %d", e.Status)))
	}
}

// authorizationProblem turns the error parameter of the provider's
// redirect back into a problem.
func authorizationProblem(code, description string) *problem {
	detail := "the provider answered the authorization request with " + code
	if description != "" {
		detail += ": " + description
	}
	switch code {
	case "access_denied", "login_required", "interaction_required", "consent_required", "account_selection_required":
		return newProblem("afgebroken", detail)
	case "server_error", "temporarily_unavailable":
		return newProblem("provider-storing", detail, code)
	default:
		// invalid_request, unauthorized_client, invalid_scope,
		// unsupported_response_type, …: our request or registration.
		return newProblem("instelling", detail+" — check the client's registration: redirect URI, scopes, allowed flows", limitText(code, 60))
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func limitText(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
