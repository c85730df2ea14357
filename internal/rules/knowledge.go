package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/hook"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// Answer: an answer's municipality follows its owner; it is about at
// least one product of that municipality; its variants name known channels,
// once each, and state no facts the main answer does not; a new answer counts
// as reviewed on the day it is written.
func Answer() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AnswerFunc(func(ctx context.Context, m *gen.AnswerMutation) (ent.Value, error) {
			c := m.Client()
			lookup := auth.Allow(ctx)
			if owner, ok := m.OwnerID(); ok {
				root, err := orgtree.Root(lookup, c, owner)
				if err != nil {
					return nil, &catalog.FieldError{Entity: "answer", Field: "owner", Code: "not_found", Message: err.Error()}
				}
				if old, err := value[int](ctx, m, answer.FieldMunicipalityID); err == nil && old != nil && *old != root {
					return nil, &catalog.FieldError{Entity: "answer", Field: "owner", Code: "municipality",
						Message: "an answer cannot move to another municipality; choose an owner within its own municipality"}
				}
				m.SetMunicipalityID(root)
			}
			if m.Op().Is(ent.OpCreate) {
				if _, set := m.LastReviewed(); !set {
					m.SetLastReviewed(catalog.DateOf(changelog.Now(ctx, m)))
				}
			}
			if err := answerProducts(ctx, m); err != nil {
				return nil, err
			}
			if kw, set := m.Keywords(); set {
				m.SetKeywords(cleanKeywords(kw))
			}
			_, textSet := m.Text()
			_, variantsSet := m.Variants()
			if textSet || variantsSet {
				text, err := str(ctx, m, answer.FieldText)
				if err != nil {
					return nil, err
				}
				variants, err := value[[]catalog.AnswerVariant](ctx, m, answer.FieldVariants)
				if err != nil {
					return nil, err
				}
				if variants != nil {
					if err := checkVariants(lookup, c, text, *variants); err != nil {
						return nil, err
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, writeOps)
}

// answerProducts checks the products an answer will be about after the write.
func answerProducts(ctx context.Context, m *gen.AnswerMutation) error {
	lookup := auth.Allow(ctx)
	c := m.Client()
	var after []int
	if id, ok := m.ID(); ok && !m.Op().Is(ent.OpCreate) && !m.ProductsCleared() {
		ids, err := c.Answer.Query().Where(answer.ID(id)).QueryProducts().IDs(lookup)
		if err != nil {
			return err
		}
		after = ids
	}
	removed := map[int]bool{}
	for _, id := range m.RemovedProductsIDs() {
		removed[id] = true
	}
	var kept []int
	for _, id := range append(after, m.ProductsIDs()...) {
		if !removed[id] {
			kept = append(kept, id)
		}
	}
	if len(kept) == 0 {
		return &catalog.FieldError{Entity: "answer", Field: "products", Code: "required",
			Message: "an answer is about at least one product; name the products it answers for"}
	}
	added := m.ProductsIDs()
	if len(added) == 0 {
		return nil
	}
	mid, err := value[int](ctx, m, answer.FieldMunicipalityID)
	if err != nil {
		return err
	}
	if mid == nil {
		return &catalog.FieldError{Entity: "answer", Field: "owner", Code: "required", Message: "every answer needs an owning organization"}
	}
	others, err := c.Product.Query().Where(product.IDIn(added...), product.MunicipalityIDNEQ(*mid)).Count(lookup)
	if err != nil {
		return err
	}
	if others > 0 {
		return &catalog.FieldError{Entity: "answer", Field: "products", Code: "municipality",
			Message: "an answer is about products of its own municipality only"}
	}
	return nil
}

// checkVariants checks an answer's variants against its main text.
func checkVariants(ctx context.Context, c *gen.Client, text string, variants []catalog.AnswerVariant) error {
	if len(variants) == 0 {
		return nil
	}
	codes := make([]string, len(variants))
	for i, v := range variants {
		codes[i] = v.Channel
	}
	known, err := c.Channel.Query().Where(channel.CodeIn(codes...)).Select(channel.FieldCode).Strings(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, v := range variants {
		field := fmt.Sprintf("variants[%d]", i)
		if seen[v.Channel] {
			return &catalog.FieldError{Entity: "answer", Field: field + ".channel", Code: "duplicate",
				Message: fmt.Sprintf("channel %q has two variants; give each channel one", v.Channel)}
		}
		seen[v.Channel] = true
		if !slices.Contains(known, v.Channel) {
			return &catalog.FieldError{Entity: "answer", Field: field + ".channel", Code: "not_found",
				Message: fmt.Sprintf("there is no channel with code %q", v.Channel)}
		}
		if strings.TrimSpace(v.Text) == "" {
			return &catalog.FieldError{Entity: "answer", Field: field + ".text", Code: "required",
				Message: "a variant needs a text; leave the channel out to use the main answer there"}
		}
		if err := catalog.CheckVariant(field+".text", text, v.Text); err != nil {
			return err
		}
	}
	return nil
}

// cleanKeywords trims keywords, drops empty ones and repeats, keeps the order.
func cleanKeywords(kw []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range kw {
		k = strings.TrimSpace(k)
		if k == "" || seen[strings.ToLower(k)] {
			continue
		}
		seen[strings.ToLower(k)] = true
		out = append(out, k)
	}
	return out
}

// CallbackRequest: a new request is routed to the organization that owns its
// product and remembers who filed it; ASSIGNED needs an assignee; closing
// removes the resident's contact details in the same write; a closed request
// stays closed.
func CallbackRequest() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CallbackRequestFunc(func(ctx context.Context, m *gen.CallbackRequestMutation) (ent.Value, error) {
			lookup := auth.Allow(ctx)
			if m.Op().Is(ent.OpCreate) {
				pid, _ := m.ProductID()
				p, err := m.Client().Product.Get(lookup, pid)
				if err != nil {
					return nil, &catalog.FieldError{Entity: "callbackRequest", Field: "product", Code: "not_found", Message: "there is no such product"}
				}
				m.SetOrganizationID(p.OwnerID)
				m.SetMunicipalityID(p.MunicipalityID)
				actor, ok := changelog.ActorFrom(ctx)
				if !ok {
					return nil, changelog.ErrNoActor
				}
				m.SetRequestedBy(actor.Name)
			} else {
				old, err := value[string](ctx, oldOnly{m}, callbackrequest.FieldStatus)
				if err != nil {
					return nil, err
				}
				if old != nil && *old == callbackrequest.StatusCLOSED.String() {
					return nil, &catalog.FieldError{Entity: "callbackRequest", Field: "status", Code: "closed",
						Message: "this call-back request is closed; file a new one if the resident asks again"}
				}
			}
			status, err := str(ctx, m, callbackrequest.FieldStatus)
			if err != nil {
				return nil, err
			}
			switch status {
			case callbackrequest.StatusASSIGNED.String():
				who, err := value[string](ctx, m, callbackrequest.FieldAssignee)
				if err != nil {
					return nil, err
				}
				if who == nil || strings.TrimSpace(*who) == "" {
					return nil, &catalog.FieldError{Entity: "callbackRequest", Field: "assignee", Code: "required",
						Message: "say who handles the request"}
				}
			case callbackrequest.StatusCLOSED.String():
				m.ClearContactName()
				m.ClearContact()
				m.SetClosedAt(changelog.Now(ctx, m)) // already at microsecond precision
			}
			return next.Mutate(ctx, m)
		})
	}, writeOps)
}
