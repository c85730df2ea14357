package signin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// Mapping says how the identity provider's ID token names a person's role in
// the catalogue and the organization they work for. Providers differ: Keycloak
// puts group paths in a "groups" claim, Entra ID app roles in "roles" (and
// groups as object ids), ADFS whatever its claim rules say, so every name is
// configurable.
type Mapping struct {
	// RoleClaim holds the values (a list or one string) that grant a role;
	// "groups" when empty.
	RoleClaim string
	// AdminValues and EditorValues are the values of RoleClaim that make
	// someone an admin or an editor; admin wins when both match.
	AdminValues  []string
	EditorValues []string
	// OrgClaim names a claim holding the organization's code, e.g.
	// "catalogus_org". Used when set.
	OrgClaim string
	// OrgPrefix picks the organization from the values of RoleClaim instead:
	// a value "catalogus-org-publiekszaken" with prefix "catalogus-org-"
	// means organization publiekszaken. Keycloak group paths
	// ("/catalogus/org/publiekszaken") work the same way.
	OrgPrefix string
	// NameClaim names the person in the change log; "preferred_username"
	// when empty, falling back on email and then the subject.
	NameClaim string
}

// Identity is what the catalogue takes from an ID token.
type Identity struct {
	Name string
	Role auth.Role
	// Org is the organization's code; empty only for an admin of everything.
	Org string
}

// Refusal is a sign-in the mapping does not allow: the person is known to the
// identity provider but has no place in the catalogue. Its message is shown
// to them, in Dutch, and logged.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return r.Reason }

// Map turns an ID token's claims into an identity, or a *Refusal.
func (m Mapping) Map(claims map[string]any) (Identity, error) {
	var id Identity
	for _, c := range []string{m.NameClaim, "preferred_username", "email", "sub"} {
		if s, ok := claims[c].(string); c != "" && ok && strings.TrimSpace(s) != "" {
			id.Name = strings.TrimSpace(s)
			break
		}
	}
	if id.Name == "" {
		return id, &Refusal{"het ID-token noemt geen naam (preferred_username, email of sub)"}
	}
	if len(id.Name) > 200 {
		// The name goes into every change-log entry; a claim this long is not a name.
		return id, &Refusal{"de naam in het ID-token is langer dan 200 tekens"}
	}
	roleClaim := m.RoleClaim
	if roleClaim == "" {
		roleClaim = "groups"
	}
	values := claimValues(claims[roleClaim])
	switch {
	case slices.ContainsFunc(values, func(v string) bool { return slices.Contains(m.AdminValues, v) }):
		id.Role = auth.Admin
	case slices.ContainsFunc(values, func(v string) bool { return slices.Contains(m.EditorValues, v) }):
		id.Role = auth.Editor
	default:
		return id, &Refusal{fmt.Sprintf("je hebt geen rol in de catalogus: de claim %q bevat geen van de groepen voor beheerders of redacteuren", roleClaim)}
	}
	var orgs []string
	switch {
	case m.OrgClaim != "":
		orgs = claimValues(claims[m.OrgClaim])
	case m.OrgPrefix != "":
		for _, v := range values {
			if code, ok := strings.CutPrefix(v, m.OrgPrefix); ok && code != "" {
				orgs = append(orgs, code)
			}
		}
	}
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	switch {
	case len(orgs) == 1:
		id.Org = orgs[0]
	case len(orgs) > 1:
		// Guessing would hand someone the wrong organization's drafts.
		return id, &Refusal{fmt.Sprintf("het ID-token noemt meer dan één organisatie (%s); vraag je beheerder om één", strings.Join(orgs, ", "))}
	case id.Role == auth.Editor:
		return id, &Refusal{"het ID-token noemt niet voor welke organisatie je werkt; een redacteur hoort bij één organisatie"}
	}
	return id, nil
}

// claimValues reads a claim that may be one string or a list of them.
func claimValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return v
	}
	return nil
}
