package changelog

import (
	"context"
	"encoding/json"
	"fmt"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
)

// The answer base's types: answers (vraag-antwoord) and call-back requests
// (terugbelverzoeken). A call-back request holds a resident's contact details
// while it is open, and colleagues' names; the log records that they changed,
// never what they were.
func init() {
	entities[gen.TypeAnswer] = entitySpec{
		entity:    changeevent.EntityANSWER,
		columns:   answer.Columns,
		edges:     []string{answer.EdgeOwner, answer.EdgeMunicipality, answer.EdgeProducts},
		versioned: true,
		noDelete:  "answers are archived, not deleted, so that their history stays readable",
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			a, ok := v.(*gen.Answer)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{municipalityID: &a.MunicipalityID, state: ptr(a.Status.String())}, nil
		},
	}
	entities[gen.TypeCallbackRequest] = entitySpec{
		entity:  changeevent.EntityCALLBACK_REQUEST,
		columns: callbackrequest.Columns,
		edges: []string{callbackrequest.EdgeProduct, callbackrequest.EdgeChannel, callbackrequest.EdgeReplyChannel,
			callbackrequest.EdgeOrganization, callbackrequest.EdgeMunicipality, callbackrequest.EdgeAnswer},
		noDelete: "call-back requests are closed, not deleted: closing removes the contact details and keeps the counts",
		// The resident's contact details, and the names of the colleagues who
		// filed and handle the request (the actor column names them already,
		// and the retention job pseudonymises that one).
		personal: map[string]bool{callbackrequest.FieldContactName: true, callbackrequest.FieldContact: true,
			callbackrequest.FieldRequestedBy: true, callbackrequest.FieldAssignee: true},
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			r, ok := v.(*gen.CallbackRequest)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{productID: &r.ProductID, channelID: &r.ChannelID, municipalityID: &r.MunicipalityID,
				state: ptr(r.Status.String())}, nil
		},
	}
}

// Masked is what the log writes instead of a personal field's value.
var Masked = json.RawMessage(`"(persoonsgegevens niet vastgelegd)"`)

// mask replaces the values of personal fields by Masked; an empty value stays
// null, so the log still tells a field that was filled from one that was not.
func mask(typ string, changes []FieldChange) []FieldChange {
	spec, ok := entities[typ]
	if !ok || len(spec.personal) == 0 {
		return changes
	}
	for i, c := range changes {
		if !spec.personal[c.Field] {
			continue
		}
		if string(c.Old) != "null" {
			changes[i].Old = Masked
		}
		if string(c.New) != "null" {
			changes[i].New = Masked
		}
	}
	return changes
}

// answerProductsChange reports the change of an answer's products as the
// lists of product slugs before and after.
func answerProductsChange(ctx context.Context, m *gen.AnswerMutation) (*FieldChange, error) {
	c := m.Client()
	return edgeSetChange(ctx, m, "products", m.ProductsIDs(), m.RemovedProductsIDs(), m.ProductsCleared(),
		func(id int) ([]int, error) { return c.Answer.Query().Where(answer.ID(id)).QueryProducts().IDs(ctx) },
		func(ids []int) ([]string, error) { return productSlugs(ctx, c, ids) })
}

func productSlugs(ctx context.Context, c *gen.Client, ids []int) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	slugs, err := c.Product.Query().Where(product.IDIn(ids...)).Order(product.BySlug()).Select(product.FieldSlug).Strings(ctx)
	if err != nil {
		return nil, fmt.Errorf("changelog: looking up products: %w", err)
	}
	return slugs, nil
}
