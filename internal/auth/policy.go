package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
)

// The privacy policies the Ent schema installs. Queries are narrowed to what
// the viewer may see; mutations are denied unless a rule allows them. The
// catalogue's own jobs pass through System contexts.
//
// Who sees what:
//   - anonymous callers see PUBLISHED products only, and only active channels;
//   - editors and admins also see every product of their scope, drafts and
//     retired ones included;
//   - admins see inactive channels; an admin without organization sees all.
//
// Who changes what:
//   - an editor changes the products owned within its scope, and their
//     availability;
//   - an admin also changes organizations, locations and targets within its
//     scope; channels and UPL names are for an admin of everything.

// Allow returns a context that passes every privacy rule, for the lookups a
// rule or hook makes on the catalogue's behalf (a duplicate check must see
// drafts the caller may not).
func Allow(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// mutationRule is the shape every mutation rule of ours has: who finds the
// viewer who may try at all (changer or admin), one without limits passes,
// and check decides for the others — nil allows the change.
func mutationRule[M gen.Mutation](who func(context.Context) (*Viewer, error), check func(context.Context, *Viewer, M) error) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m gen.Mutation) error {
		v, err := who(ctx)
		if err != nil || v.Unlimited() {
			return decided(err)
		}
		typed, ok := m.(M)
		if !ok {
			return deny("a %s change is not what this rule is for", m.Type())
		}
		if err := check(ctx, v, typed); err != nil {
			return err
		}
		return privacy.Allow
	})
}

// storedID is the id of the one record an update or delete changes; changes
// of many records at once are refused (the rules read the record first).
func storedID(m interface{ ID() (int, bool) }, plural string) (int, error) {
	id, ok := m.ID()
	if !ok {
		return 0, deny("%s are changed one at a time", plural)
	}
	return id, nil
}

// policyOf is a policy of a query rule and the mutation rule, which denies
// whatever it does not allow.
func policyOf(query privacy.QueryRule, mutation privacy.MutationRule) ent.Policy {
	p := privacy.Policy{Mutation: privacy.MutationPolicy{mutation, privacy.AlwaysDenyRule()}}
	if query != nil {
		p.Query = privacy.QueryPolicy{query}
	}
	return p
}

// unlimitedAdminRule lets only an admin of everything change a record.
func unlimitedAdminRule() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m gen.Mutation) error {
		v, err := admin(ctx)
		if err != nil {
			return err
		}
		if v.Unlimited() {
			return privacy.Allow
		}
		return deny("only an admin of everything changes %s records", m.Type())
	})
}

// UnlimitedAdminPolicy is the policy of UPL names: public, changed by an
// admin of everything.
func UnlimitedAdminPolicy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{unlimitedAdminRule()}}
}

// TokenPolicy: tokens are never read or written through the API; the Tokens
// methods pass with an Allow context.
func TokenPolicy() ent.Policy { return InternalPolicy() }

// InternalPolicy is for records only the catalogue itself reads and writes
// (tokens, the security log): every query and mutation is denied unless it
// runs in an Allow context.
func InternalPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// changer returns the viewer who may try to change products, or the error
// that ends the attempt.
func changer(ctx context.Context) (*Viewer, error) {
	v := FromContext(ctx)
	if v == nil {
		return nil, ErrUnauthenticated
	}
	return v, nil
}

// RequireAdmin returns the viewer when it is an admin, for the API's
// admin-only operations that are more than one write (the spreadsheet import).
func RequireAdmin(ctx context.Context) (*Viewer, error) { return admin(ctx) }

// admin returns the viewer when it is an admin.
func admin(ctx context.Context) (*Viewer, error) {
	v, err := changer(ctx)
	if err != nil {
		return nil, err
	}
	if v.Role != Admin {
		return nil, deny("only admins change this")
	}
	return v, nil
}

// decided turns "no error, unlimited" into Allow.
func decided(err error) error {
	if err != nil {
		return err
	}
	return privacy.Allow
}
