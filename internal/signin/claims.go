package signin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// Mapping says how the identity provider's claims name a person's role in
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
// identity provider but has no place in the catalogue. Code names the
// problem shown to them (problemTemplates); Args fill its message; Rule says
// in English which rule failed, for the log.
type Refusal struct {
	Code string
	Args []any
	Rule string
}

func (r *Refusal) Error() string { return r.Code + ": " + r.Rule }

// Map turns the claims about a person (the ID token's, with UserInfo's
// merged in) into an identity, or a *Refusal.
func (m Mapping) Map(claims map[string]any) (Identity, error) {
	var id Identity
	for _, c := range []string{m.NameClaim, "preferred_username", "email", "sub"} {
		if s, ok := claims[c].(string); c != "" && ok && strings.TrimSpace(s) != "" {
			id.Name = strings.TrimSpace(s)
			break
		}
	}
	if id.Name == "" {
		return id, &Refusal{Code: "geen-naam", Rule: fmt.Sprintf("no name: none of the claims %q, preferred_username, email, sub holds a string", m.NameClaim)}
	}
	if len(id.Name) > 200 {
		// The name goes into every change-log entry; a claim this long is not a name.
		return id, &Refusal{Code: "naam-te-lang", Rule: fmt.Sprintf("the name is %d bytes long, more than 200", len(id.Name))}
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
		rule := fmt.Sprintf("the role claim %q holds none of the admin values %q or editor values %q", roleClaim, m.AdminValues, m.EditorValues)
		if _, ok := claims[roleClaim]; !ok {
			rule = fmt.Sprintf("the role claim %q did not arrive (ask for its scope in --oidc-scopes, or have the provider send it)", roleClaim)
		}
		return id, &Refusal{Code: "geen-rol", Rule: rule}
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
		return id, &Refusal{Code: "meer-organisaties", Args: []any{strings.Join(orgs, ", ")}, Rule: fmt.Sprintf("%d organizations: %s", len(orgs), strings.Join(orgs, ", "))}
	case id.Role == auth.Editor:
		rule := fmt.Sprintf("an editor without organization: no value of %q starts with %q", roleClaim, m.OrgPrefix)
		if m.OrgClaim != "" {
			rule = fmt.Sprintf("an editor without organization: the claim %q is empty or did not arrive", m.OrgClaim)
		}
		return id, &Refusal{Code: "geen-organisatie", Rule: rule}
	}
	return id, nil
}

// merge combines the ID token's claims with UserInfo's (OIDC Core 5.3.2:
// UserInfo's sub was checked to be the ID token's before). Where both name a
// claim, UserInfo's is taken: it is the provider's current answer, while a
// provider may keep the ID token small (Entra ID's group overage, for one).
func merge(idToken, userInfo map[string]any) map[string]any {
	out := make(map[string]any, len(idToken)+len(userInfo))
	for k, v := range idToken {
		out[k] = v
	}
	for k, v := range userInfo {
		out[k] = v
	}
	return out
}

// claimNames lists a claim set's names, not its values, for the debug log.
func claimNames(c map[string]any) []string {
	names := make([]string, 0, len(c))
	for k := range c {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
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
