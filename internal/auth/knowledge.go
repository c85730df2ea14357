package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
)

// The answer base (answers, call-back requests):
//   - anonymous callers see PUBLISHED, PUBLIC answers only;
//   - signed-in staff see every PUBLISHED answer, INTERNAL ones included,
//     and the drafts and archived answers owned within their scope;
//   - editors and admins change the answers owned within their scope;
//   - call-back requests are for signed-in staff: any of them files one; they
//     see and handle those routed to their scope, and see the ones they filed.

// visibleAnswers is what the viewer may see of answers.
func visibleAnswers(v *Viewer) predicate.Answer {
	if v == nil {
		return answer.And(answer.StatusEQ(answer.StatusPUBLISHED), answer.VisibilityEQ(answer.VisibilityPUBLIC))
	}
	return answer.Or(answer.StatusEQ(answer.StatusPUBLISHED), answer.OwnerIDIn(v.Scope...))
}

// answerFilter is what answers' query policy and NarrowWhere narrow to; nil
// when the viewer sees every answer.
func answerFilter(v *Viewer) predicate.Answer {
	if v.Unlimited() {
		return nil
	}
	return visibleAnswers(v)
}

// AnswerPolicy is the policy of answers.
func AnswerPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.AnswerQueryRuleFunc(func(ctx context.Context, q *gen.AnswerQuery) error {
				p := answerFilter(FromContext(ctx))
				if p == nil {
					return privacy.Allow
				}
				q.Where(p)
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{
			privacy.AnswerMutationRuleFunc(func(ctx context.Context, m *gen.AnswerMutation) error {
				v, err := changer(ctx)
				if err != nil || v.Unlimited() {
					return decided(err)
				}
				if owner, set := m.OwnerID(); set && !v.Reaches(owner) {
					return deny("the answer's owner lies outside %s's organization", v.Name)
				}
				if !m.Op().Is(ent.OpCreate) {
					id, ok := m.ID()
					if !ok {
						return deny("answers are changed one at a time")
					}
					a, err := m.Client().Answer.Get(ctx, id)
					if err != nil {
						return err
					}
					if !v.Reaches(a.OwnerID) {
						return deny("this answer belongs to another organization")
					}
				}
				return privacy.Allow
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// visibleCallbacks is what a signed-in viewer may see of call-back requests.
func visibleCallbacks(v *Viewer) predicate.CallbackRequest {
	return callbackrequest.Or(callbackrequest.OrganizationIDIn(v.Scope...), callbackrequest.RequestedBy(v.Name))
}

// CallbackRequestPolicy is the policy of call-back requests.
func CallbackRequestPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
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
		},
		Mutation: privacy.MutationPolicy{
			privacy.CallbackRequestMutationRuleFunc(func(ctx context.Context, m *gen.CallbackRequestMutation) error {
				v, err := changer(ctx)
				if err != nil || v.Unlimited() {
					return decided(err)
				}
				if m.Op().Is(ent.OpCreate) {
					// Any colleague files one; the rule hook routes it.
					return privacy.Allow
				}
				id, ok := m.ID()
				if !ok {
					return deny("call-back requests are changed one at a time")
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
				return privacy.Allow
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}
