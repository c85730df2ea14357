package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
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
	return policyOf(
		privacy.AnswerQueryRuleFunc(func(ctx context.Context, q *gen.AnswerQuery) error {
			p := answerFilter(FromContext(ctx))
			if p == nil {
				return privacy.Allow
			}
			q.Where(p)
			return privacy.Skip
		}),
		mutationRule(changer, func(ctx context.Context, v *Viewer, m *gen.AnswerMutation) error {
			if owner, set := m.OwnerID(); set && !v.Reaches(owner) {
				return deny("the answer's owner lies outside %s's organization", v.Name)
			}
			if m.Op().Is(ent.OpCreate) {
				return nil
			}
			id, err := storedID(m, "answers")
			if err != nil {
				return err
			}
			a, err := m.Client().Answer.Get(ctx, id)
			if err != nil {
				return err
			}
			if !v.Reaches(a.OwnerID) {
				return deny("this answer belongs to another organization")
			}
			return nil
		}),
	)
}
