package signin

import (
	"errors"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

func TestMapping(t *testing.T) {
	keycloak := Mapping{AdminValues: []string{"/catalogus/beheerders"}, EditorValues: []string{"/catalogus/redacteuren"}, OrgPrefix: "/catalogus/org/"}
	entra := Mapping{RoleClaim: "roles", AdminValues: []string{"Catalogus.Admin"}, EditorValues: []string{"Catalogus.Editor"}, OrgClaim: "catalogus_org", NameClaim: "upn"}
	cases := []struct {
		name    string
		m       Mapping
		claims  map[string]any
		want    Identity
		refused bool
	}{
		{"keycloak editor", keycloak, map[string]any{"preferred_username": "jan", "groups": []any{"/catalogus/redacteuren", "/catalogus/org/publiekszaken", "/other"}},
			Identity{Name: "jan", Role: auth.Editor, Org: "publiekszaken"}, false},
		{"admin wins over editor", keycloak, map[string]any{"preferred_username": "an", "groups": []any{"/catalogus/redacteuren", "/catalogus/beheerders", "/catalogus/org/dienstverlening"}},
			Identity{Name: "an", Role: auth.Admin, Org: "dienstverlening"}, false},
		{"admin of everything", keycloak, map[string]any{"sub": "x1", "groups": []any{"/catalogus/beheerders"}},
			Identity{Name: "x1", Role: auth.Admin}, false},
		{"entra app roles", entra, map[string]any{"upn": "p.jansen@rotterdam.nl", "preferred_username": "pj", "roles": []any{"Catalogus.Editor"}, "catalogus_org": "parkeren"},
			Identity{Name: "p.jansen@rotterdam.nl", Role: auth.Editor, Org: "parkeren"}, false},
		{"a single string role claim", entra, map[string]any{"email": "a@b.nl", "roles": "Catalogus.Editor", "catalogus_org": "parkeren"},
			Identity{Name: "a@b.nl", Role: auth.Editor, Org: "parkeren"}, false},
		{"no role", keycloak, map[string]any{"sub": "x", "groups": []any{"/catalogus/org/publiekszaken"}}, Identity{}, true},
		{"no groups at all", keycloak, map[string]any{"sub": "x"}, Identity{}, true},
		{"editor without organization", keycloak, map[string]any{"sub": "x", "groups": []any{"/catalogus/redacteuren"}}, Identity{}, true},
		{"two organizations", keycloak, map[string]any{"sub": "x", "groups": []any{"/catalogus/redacteuren", "/catalogus/org/a", "/catalogus/org/b"}}, Identity{}, true},
		{"a name too long to be one", keycloak, map[string]any{"sub": strings.Repeat("x", 201), "groups": []any{"/catalogus/beheerders"}}, Identity{}, true},
		{"no name", keycloak, map[string]any{"groups": []any{"/catalogus/beheerders"}}, Identity{}, true},
		{"a value that merely contains the role", keycloak, map[string]any{"sub": "x", "groups": []any{"/catalogus/redacteuren-oud", "/catalogus/org/a"}}, Identity{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.m.Map(c.claims)
			var r *Refusal
			if c.refused {
				if !errors.As(err, &r) {
					t.Fatalf("got %+v, %v; want a refusal", got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}
