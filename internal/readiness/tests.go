package readiness

import (
	"context"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/change"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// Test is what a product owner records of a test with residents. For an
// update, nil fields stay as they are; an empty Channel makes it a test of
// the product as a whole.
type Test struct {
	Channel      *string
	TestedOn     *time.Time
	Method       *residenttest.Method
	Participants *int
	Groups       []catalog.ResidentGroup
	Findings     *string
	FollowUps    []catalog.FollowUp
}

// CreateTest records a test of the product with the slug in the
// municipality (code "": the only one), in one transaction as the caller's
// change: the privacy rules decide who may, the rule hook checks the values,
// the change log records it.
func CreateTest(ctx context.Context, c *ent.Client, municipality, slug string, in Test) (*ent.ResidentTest, error) {
	var id int
	err := change.Run(ctx, c, func(ctx context.Context, tx *ent.Client) error {
		m, err := orgtree.Municipality(ctx, tx, municipality)
		if err != nil {
			return err
		}
		p, err := tx.Product.Query().Where(product.MunicipalityID(m.ID), product.Slug(slug)).Only(ctx)
		if ent.IsNotFound(err) {
			return catalog.NotFound("product", "there is no product %q in municipality %q", slug, m.Code)
		}
		if err != nil {
			return err
		}
		q := tx.ResidentTest.Create().SetProductID(p.ID).SetGroups(in.Groups).SetFollowUps(in.FollowUps)
		if in.TestedOn != nil {
			q.SetTestedOn(*in.TestedOn)
		}
		if in.Method != nil {
			q.SetMethod(*in.Method)
		}
		if in.Participants != nil {
			q.SetParticipants(*in.Participants)
		}
		if in.Findings != nil {
			q.SetFindings(*in.Findings)
		}
		if in.Channel != nil && *in.Channel != "" {
			ch, err := channelByCode(ctx, tx, *in.Channel)
			if err != nil {
				return err
			}
			q.SetChannelID(ch)
		}
		if in.Groups == nil {
			q.SetGroups([]catalog.ResidentGroup{})
		}
		if in.FollowUps == nil {
			q.SetFollowUps([]catalog.FollowUp{})
		}
		t, err := q.Save(ctx)
		if err != nil {
			return err
		}
		id = t.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, c.ResidentTest.Get)
}

// UpdateTest changes a recorded test.
func UpdateTest(ctx context.Context, c *ent.Client, id int, in Test) (*ent.ResidentTest, error) {
	err := change.Run(ctx, c, func(ctx context.Context, tx *ent.Client) error {
		if _, err := testByID(ctx, tx, id); err != nil {
			return err
		}
		q := tx.ResidentTest.UpdateOneID(id).SetNillableTestedOn(in.TestedOn).SetNillableMethod(in.Method).
			SetNillableParticipants(in.Participants).SetNillableFindings(in.Findings)
		if in.Groups != nil {
			q.SetGroups(in.Groups)
		}
		if in.FollowUps != nil {
			q.SetFollowUps(in.FollowUps)
		}
		if in.Channel != nil {
			if *in.Channel == "" {
				q.ClearChannel()
			} else {
				ch, err := channelByCode(ctx, tx, *in.Channel)
				if err != nil {
					return err
				}
				q.SetChannelID(ch)
			}
		}
		return q.Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, c.ResidentTest.Get)
}

// DeleteTest deletes a test recorded by mistake, and returns it as it was;
// the change log keeps it.
func DeleteTest(ctx context.Context, c *ent.Client, id int) (*ent.ResidentTest, error) {
	var was *ent.ResidentTest
	err := change.Run(ctx, c, func(ctx context.Context, tx *ent.Client) (err error) {
		if was, err = testByID(ctx, tx, id); err != nil {
			return err
		}
		return tx.ResidentTest.DeleteOneID(id).Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return was, nil
}

// testByID reads a test as the caller sees it: one of a product they may not
// see is not found.
func testByID(ctx context.Context, tx *ent.Client, id int) (*ent.ResidentTest, error) {
	t, err := tx.ResidentTest.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound("id", "there is no test with residents with id %d", id)
	}
	return t, err
}

func channelByCode(ctx context.Context, tx *ent.Client, code string) (int, error) {
	id, err := tx.Channel.Query().Where(channel.Code(code)).OnlyID(ctx)
	if ent.IsNotFound(err) {
		return 0, catalog.NotFound("channel", "there is no channel with code %q", code)
	}
	return id, err
}
