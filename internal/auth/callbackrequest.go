package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
)

// visibleCallbacks is what a signed-in viewer may see of call-back requests.
func visibleCallbacks(v *Viewer) predicate.CallbackRequest {
	return callbackrequest.Or(callbackrequest.OrganizationIDIn(v.Scope...), callbackrequest.RequestedBy(v.Name))
}

// CallbackRequestPolicy is the policy of call-back requests: for signed-in
// staff only.
func CallbackRequestPolicy() ent.Policy {
	return policyOf(
		privacy.CallbackRequestQueryRuleFunc(func(ctx context.Context, q *gen.CallbackRequestQuery) error {
			v := FromContext(ctx)
			switch {
			case v.Unlimited():
				return privacy.Allow
			case v == nil:
				// Nothing, as if there were none: node(id:) does not tell
				// an anonymous caller that a request exists.
				q.Where(callbackrequest.IDIn())
				return privacy.Skip
			}
			q.Where(visibleCallbacks(v))
			return privacy.Skip
		}),
		mutationRule(changer, func(ctx context.Context, v *Viewer, m *gen.CallbackRequestMutation) error {
			if m.Op().Is(ent.OpCreate) {
				// Any colleague files one; the rule hook routes it.
				return nil
			}
			id, err := storedID(m, "call-back requests")
			if err != nil {
				return err
			}
			r, err := m.Client().CallbackRequest.Get(ctx, id)
			if err != nil {
				return err
			}
			if !v.Reaches(r.OrganizationID) {
				return deny("this call-back request is in another organization's queue")
			}
			if org, set := m.OrganizationID(); set && !v.Reaches(org) {
				return deny("the new organization lies outside %s's organization", v.Name)
			}
			return nil
		}),
	)
}
