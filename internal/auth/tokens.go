package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/apitoken"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// tokenPrefix marks our tokens, so that a leaked one is easy to recognise.
const tokenPrefix = "cat_"

// Tokens manages API tokens.
type Tokens struct {
	Client *ent.Client
	// By names who manages the tokens, for the security log; "cli" by default.
	By string
}

func (t Tokens) by() string {
	if t.By == "" {
		return "cli"
	}
	return t.By
}

// hash is the stored form of a token.
func hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create makes a token and returns it; it is shown this once and stored only
// as a hash. orgCode may be empty only for an admin of everything.
func (t Tokens) Create(ctx context.Context, name string, role Role, orgCode string) (string, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	var token string
	err := t.inTx(ctx, func(tx Tokens) (err error) {
		token, err = tx.create(ctx, name, role, orgCode)
		return err
	})
	return token, err
}

// inTx runs fn with tokens bound to one transaction: a token and its entry
// in the security log land together.
func (t Tokens) inTx(ctx context.Context, fn func(Tokens) error) error {
	return txn.Run(ctx, t.Client, func(tx *ent.Client) error {
		return fn(Tokens{Client: tx, By: t.By})
	})
}

func (t Tokens) create(ctx context.Context, name string, role Role, orgCode string) (string, error) {
	if role != Admin && role != Editor {
		return "", &catalog.FieldError{Entity: "token", Field: "role", Code: "invalid", Message: fmt.Sprintf("role %q: use admin or editor", role)}
	}
	q := t.Client.APIToken.Create().SetName(name).SetRole(apitoken.Role(role)).SetCreatedAt(time.Now().UTC())
	switch {
	case orgCode != "":
		org, err := t.Client.Organization.Query().Where(organization.Code(orgCode)).Only(ctx)
		if ent.IsNotFound(err) {
			return "", &catalog.FieldError{Entity: "token", Field: "organization", Code: "not_found", Message: fmt.Sprintf("there is no organization with code %q", orgCode)}
		}
		if err != nil {
			return "", err
		}
		q.SetOrganizationID(org.ID)
	case role == Editor:
		return "", &catalog.FieldError{Entity: "token", Field: "organization", Code: "required", Message: "an editor token needs the organization whose products it keeps"}
	}
	if exists, err := t.Client.APIToken.Query().Where(apitoken.Name(name)).Exist(ctx); err != nil {
		return "", err
	} else if exists {
		return "", &catalog.FieldError{Entity: "token", Field: "name", Code: "duplicate", Message: fmt.Sprintf("a token named %q exists already; revoke it or choose another name", name)}
	}
	b := make([]byte, 32) // 256 bits
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	if err := q.SetHash(hash(token)).Exec(ctx); err != nil {
		if ent.IsValidationError(err) {
			return "", &catalog.FieldError{Entity: "token", Field: "name", Code: "format", Message: fmt.Sprintf("the name %q may only hold lower-case letters, digits and hyphens", name)}
		}
		return "", err
	}
	scope := "everything"
	if orgCode != "" {
		scope = orgCode
	}
	if err := Record(ctx, t.Client, TokenCreated, t.by(), "", fmt.Sprintf("token %s: %s of %s", name, strings.ToLower(string(role)), scope)); err != nil {
		return "", err
	}
	return token, nil
}

// List returns every token, revoked ones included, with their organizations.
func (t Tokens) List(ctx context.Context) ([]*ent.APIToken, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	return t.Client.APIToken.Query().WithOrganization().Order(ent.Asc(apitoken.FieldName)).All(ctx)
}

// Revoke revokes the token with the given name.
func (t Tokens) Revoke(ctx context.Context, name string) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	return t.inTx(ctx, func(tx Tokens) error { return tx.revoke(ctx, name) })
}

func (t Tokens) revoke(ctx context.Context, name string) error {
	n, err := t.Client.APIToken.Update().
		Where(apitoken.Name(name), apitoken.RevokedAtIsNil()).
		SetRevokedAt(time.Now().UTC()).
		Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		if exists, _ := t.Client.APIToken.Query().Where(apitoken.Name(name)).Exist(ctx); exists {
			return fmt.Errorf("token %q was revoked already", name)
		}
		return fmt.Errorf("there is no token named %q", name)
	}
	return Record(ctx, t.Client, TokenRevoked, t.by(), "", "token "+name)
}

// Authenticate returns the viewer a token stands for, or ErrUnauthenticated.
func (t Tokens) Authenticate(ctx context.Context, token string) (*Viewer, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 200 {
		return nil, ErrUnauthenticated
	}
	h := hash(token)
	rec, err := t.Client.APIToken.Query().Where(apitoken.Hash(h)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	// The lookup went by hash; compare again in constant time all the same.
	if subtle.ConstantTimeCompare([]byte(rec.Hash), []byte(h)) != 1 || rec.RevokedAt != nil {
		return nil, ErrUnauthenticated
	}
	v := &Viewer{Name: "token:" + rec.Name, Role: Role(rec.Role), OrganizationID: rec.OrganizationID}
	if rec.OrganizationID != nil {
		if v.Scope, err = orgtree.Subtree(ctx, t.Client, *rec.OrganizationID); err != nil {
			return nil, err
		}
	}
	return v, nil
}
