package signin

import (
	"os"
	"strings"
	"testing"
)

// TestEveryMessageIsDocumented holds docs/signin.md's troubleshooting table
// to the sign-in's problems: every code an editor can be shown has its row.
func TestEveryMessageIsDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/signin.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for code, p := range problemTemplates {
		if !strings.Contains(doc, "| `"+code+"` |") {
			t.Errorf("docs/signin.md has no troubleshooting row for %q (%s)", code, p.Message)
		}
	}
}

// TestProblemsAreComplete checks every problem has a title, a status and a
// message, and that the operator's problems are not logged as someone's
// failed sign-in.
func TestProblemsAreComplete(t *testing.T) {
	for code, p := range problemTemplates {
		if p.title == "" || p.status == 0 || p.Message == "" {
			t.Errorf("%s: %+v", code, p)
		}
	}
	for _, code := range []string{"instelling", "klok", "provider-onbereikbaar", "provider-traag", "provider-storing", "afgebroken"} {
		if problemTemplates[code].kind == refused {
			t.Errorf("%s is logged as a failed sign-in", code)
		}
	}
}

// TestProviderAnswersAreToldApart checks the classification of the
// provider's error answers: what the operator must fix, what the person
// did, what the provider suffers.
func TestProviderAnswersAreToldApart(t *testing.T) {
	for _, tc := range []struct {
		err  oauthError
		code string
	}{
		{oauthError{Status: 401, Code: "invalid_client"}, "instelling"},
		{oauthError{Status: 401}, "instelling"},
		{oauthError{Status: 400, Code: "unauthorized_client"}, "instelling"},
		{oauthError{Status: 400, Code: "invalid_grant"}, "code-ongeldig"},
		{oauthError{Status: 500}, "provider-storing"},
		{oauthError{Status: 503, Code: "temporarily_unavailable"}, "provider-storing"},
		{oauthError{Status: 400, Code: "invalid_scope"}, "instelling"},
	} {
		if got := endpointProblem("test", &tc.err); got.Code != tc.code {
			t.Errorf("%v: %s, want %s", tc.err, got.Code, tc.code)
		}
	}
	for code, want := range map[string]string{"access_denied": "afgebroken", "login_required": "afgebroken",
		"server_error": "provider-storing", "invalid_request": "instelling", "unauthorized_client": "instelling"} {
		if got := authorizationProblem(code, ""); got.Code != want {
			t.Errorf("error=%s: %s, want %s", code, got.Code, want)
		}
	}
}
