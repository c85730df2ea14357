// Package knowledge is the question-and-answer base that every channel
// shares (vraag-antwoord database), and the call-back requests
// (terugbelverzoeken) for the questions it does not answer yet: writing and
// reviewing answers, looking them up, the call-back queue, and the figures.
//
// The rules that hold whatever the path — an answer's municipality follows
// its owner, variants must not contradict the main answer, closing a request
// removes the resident's contact details — live in the schema's rule hooks
// (internal/rules/knowledge.go); who may do what in internal/auth. This
// package opens the transactions, resolves codes and slugs into records, and
// computes what the API shows.
package knowledge

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/change"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/search"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// Service works on one database.
type Service struct {
	Client *ent.Client
	// Dialect is the database's, for the search queries.
	Dialect string
	// Municipality is the code of the default municipality.
	Municipality string
	// Search ranks answers for a look-up; when nil, the service makes its
	// own on first use.
	Search *search.Engine

	engineOnce sync.Once
}

// engine returns the search engine of the service.
func (s *Service) engine() *search.Engine {
	s.engineOnce.Do(func() {
		if s.Search == nil {
			s.Search = search.NewEngine(s.Client, s.Dialect)
		}
	})
	return s.Search
}

// ReviewDue is the last day on which the answer is still current.
func ReviewDue(a *ent.Answer) time.Time {
	return a.LastReviewed.AddDate(0, 0, a.ReviewIntervalDays)
}

// Current reports whether an answer is current on the calendar date today:
// PUBLISHED, and reviewed within its interval (today ≤ lastReviewed + interval).
func Current(a *ent.Answer, today time.Time) bool {
	return a.Status == answer.StatusPUBLISHED && !today.After(ReviewDue(a))
}

// Today is the municipality's calendar date by the client's clock.
func (s *Service) Today(ctx context.Context) time.Time {
	return catalog.DateOf(s.now(ctx))
}

func (s *Service) now(ctx context.Context) time.Time {
	return changelog.ClientNow(ctx, s.Client)
}

// AgeHours is how long a request has waited: until it was closed, or until now.
func (s *Service) AgeHours(ctx context.Context, r *ent.CallbackRequest) int {
	end := s.now(ctx)
	if r.ClosedAt != nil {
		end = *r.ClosedAt
	}
	return max(0, int(end.Sub(r.CreatedAt)/time.Hour))
}

// Variant returns an answer's variant for a channel, or nil.
func Variant(a *ent.Answer, channelCode string) *catalog.AnswerVariant {
	for _, v := range a.Variants {
		if v.Channel == channelCode {
			return &v
		}
	}
	return nil
}

func (s *Service) municipality(ctx context.Context, c *ent.Client, code *string) (*ent.Organization, error) {
	want := s.Municipality
	if code != nil {
		want = *code
	}
	return orgtree.Municipality(ctx, c, want)
}

// inTx runs fn in a transaction, committing when it returns nil; like every
// change, it needs a viewer or an actor (change.Run).
func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context, tx *ent.Client) error) error {
	return change.Run(ctx, s.Client, fn)
}

// productIDs resolves product slugs of a municipality.
func productIDs(ctx context.Context, c *ent.Client, m *ent.Organization, slugs []string) ([]int, error) {
	if len(slugs) == 0 {
		return nil, nil
	}
	ps, err := c.Product.Query().Where(product.MunicipalityID(m.ID), product.SlugIn(slugs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int, 0, len(slugs))
	for _, slug := range slugs {
		i := slices.IndexFunc(ps, func(p *ent.Product) bool { return p.Slug == slug })
		if i < 0 {
			return nil, catalog.NotFound("products", "there is no product %q in municipality %q", slug, m.Code)
		}
		if !slices.Contains(ids, ps[i].ID) {
			ids = append(ids, ps[i].ID)
		}
	}
	return ids, nil
}

// productBySlug finds a product of a municipality by its slug.
func productBySlug(ctx context.Context, c *ent.Client, m *ent.Organization, slug, field string) (*ent.Product, error) {
	p, err := c.Product.Query().Where(product.MunicipalityID(m.ID), product.Slug(slug)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound(field, "there is no product %q in municipality %q", slug, m.Code)
	}
	return p, err
}

// orgScope is the ids of the organization with the given code within the
// municipality and of the units below it; nil without a code.
func orgScope(ctx context.Context, c *ent.Client, m *ent.Organization, code *string) ([]int, error) {
	if code == nil {
		return nil, nil
	}
	o, err := orgtree.Within(ctx, c, m, *code, "organization")
	if err != nil {
		return nil, err
	}
	return orgtree.Subtree(ctx, c, o.ID)
}

func channelByCode(ctx context.Context, c *ent.Client, code, field string) (*ent.Channel, error) {
	ch, err := c.Channel.Query().Where(channel.Code(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound(field, "there is no channel with code %q", code)
	}
	return ch, err
}

// CreateAnswer adds an answer (a DRAFT unless a status is given).
func (s *Service) CreateAnswer(ctx context.Context, in CreateAnswer) (*ent.Answer, error) {
	var id int
	err := s.inTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		m, err := s.municipality(ctx, tx, in.Municipality)
		if err != nil {
			return err
		}
		owner, err := orgtree.Within(ctx, tx, m, in.Owner, "owner")
		if err != nil {
			return err
		}
		pids, err := productIDs(ctx, tx, m, in.Products)
		if err != nil {
			return err
		}
		q := tx.Answer.Create().SetOwnerID(owner.ID).SetQuestion(in.Question).SetText(in.Text).
			AddProductIDs(pids...).SetNillableReviewIntervalDays(in.ReviewIntervalDays).
			SetNillableVisibility(in.Visibility).SetNillableStatus(in.Status)
		if len(in.Variants) > 0 {
			q.SetVariants(in.Variants)
		}
		if len(in.Keywords) > 0 {
			q.SetKeywords(in.Keywords)
		}
		a, err := q.Save(ctx)
		if err != nil {
			return err
		}
		id = a.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, s.Client.Answer.Get)
}

// UpdateAnswer changes the fields that are set.
func (s *Service) UpdateAnswer(ctx context.Context, in UpdateAnswer) (*ent.Answer, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		a, err := tx.Answer.Get(ctx, in.ID)
		if ent.IsNotFound(err) {
			return catalog.NotFound("id", "there is no answer %d that you may see", in.ID)
		}
		if err != nil {
			return err
		}
		if in.ExpectedVersion != nil {
			if err := lockVersion(ctx, tx, a, *in.ExpectedVersion); err != nil {
				return err
			}
		}
		m, err := tx.Organization.Get(ctx, a.MunicipalityID)
		if err != nil {
			return err
		}
		q := tx.Answer.UpdateOne(a).SetNillableQuestion(in.Question).SetNillableText(in.Text).
			SetNillableVisibility(in.Visibility).SetNillableStatus(in.Status).
			SetNillableReviewIntervalDays(in.ReviewIntervalDays)
		if in.Owner != nil {
			owner, err := orgtree.Within(ctx, tx, m, *in.Owner, "owner")
			if err != nil {
				return err
			}
			q.SetOwnerID(owner.ID)
		}
		if in.Products != nil {
			pids, err := productIDs(ctx, tx, m, in.Products)
			if err != nil {
				return err
			}
			q.ClearProducts().AddProductIDs(pids...)
		}
		switch {
		case in.Variants == nil:
		case len(in.Variants) == 0:
			q.ClearVariants()
		default:
			q.SetVariants(in.Variants)
		}
		switch {
		case in.Keywords == nil:
		case len(in.Keywords) == 0:
			q.ClearKeywords()
		default:
			q.SetKeywords(in.Keywords)
		}
		if in.Reviewed != nil && *in.Reviewed {
			q.SetLastReviewed(catalog.DateOf(changelog.ClientNow(ctx, tx)))
		}
		_, err = q.Save(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, in.ID, s.Client.Answer.Get)
}

// lockVersion checks the version the editor saw and holds the answer until
// the transaction ends, as editing does for products.
func lockVersion(ctx context.Context, tx *ent.Client, a *ent.Answer, expected int) error {
	if held, err := txn.HoldVersion(ctx, tx, answer.Table, a.ID, expected); err != nil || held {
		return err
	}
	current, err := tx.Answer.Query().Where(answer.ID(a.ID)).Select(answer.FieldVersion).Int(auth.Allow(ctx))
	if err != nil {
		return err
	}
	return &catalog.ConflictError{Entity: "answer", Name: strconv.Itoa(a.ID), Expected: expected, Current: current}
}

// CreateCallback files a call-back request; the schema's rules route it to
// the product's owner.
func (s *Service) CreateCallback(ctx context.Context, in CreateCallback) (*ent.CallbackRequest, error) {
	if auth.FromContext(ctx) == nil {
		return nil, auth.ErrUnauthenticated
	}
	var id int
	err := s.inTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		m, err := s.municipality(ctx, tx, in.Municipality)
		if err != nil {
			return err
		}
		p, err := productBySlug(ctx, tx, m, in.Product, "product")
		if err != nil {
			return err
		}
		from, err := channelByCode(ctx, tx, in.Channel, "channel")
		if err != nil {
			return err
		}
		reply, err := channelByCode(ctx, tx, in.ReplyChannel, "replyChannel")
		if err != nil {
			return err
		}
		r, err := tx.CallbackRequest.Create().SetProductID(p.ID).SetQuestion(in.Question).
			SetChannelID(from.ID).SetReplyChannelID(reply.ID).
			SetNillableContactName(in.ContactName).SetNillableContact(in.Contact).Save(ctx)
		if err != nil {
			return err
		}
		id = r.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, s.Client.CallbackRequest.Get)
}

// callback finds a request the viewer may see.
func callback(ctx context.Context, tx *ent.Client, id int) (*ent.CallbackRequest, error) {
	r, err := tx.CallbackRequest.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound("id", "there is no call-back request %d that you may see", id)
	}
	return r, err
}

// AssignCallback gives a request to a colleague.
func (s *Service) AssignCallback(ctx context.Context, id int, assignee string) (*ent.CallbackRequest, error) {
	if auth.FromContext(ctx) == nil {
		return nil, auth.ErrUnauthenticated
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		r, err := callback(ctx, tx, id)
		if err != nil {
			return err
		}
		return tx.CallbackRequest.UpdateOne(r).SetStatus(callbackrequest.StatusASSIGNED).SetAssignee(assignee).Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, s.Client.CallbackRequest.Get)
}

// CloseCallback closes a request, optionally naming the answer that settled
// it; the schema's rules remove the contact details in the same write.
func (s *Service) CloseCallback(ctx context.Context, id int, answerID *int) (*ent.CallbackRequest, error) {
	if auth.FromContext(ctx) == nil {
		return nil, auth.ErrUnauthenticated
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		r, err := callback(ctx, tx, id)
		if err != nil {
			return err
		}
		q := tx.CallbackRequest.UpdateOne(r).SetStatus(callbackrequest.StatusCLOSED)
		if answerID != nil {
			a, err := tx.Answer.Get(ctx, *answerID)
			if ent.IsNotFound(err) {
				return catalog.NotFound("answer", "there is no answer %d that you may see", *answerID)
			}
			if err != nil {
				return err
			}
			q.SetAnswerID(a.ID)
		}
		return q.Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, s.Client.CallbackRequest.Get)
}

// Callbacks is the queue of an organization (its code, with the units below
// it; nil: the whole municipality), oldest first, as the viewer may see it.
func (s *Service) Callbacks(ctx context.Context, municipality, organization *string, status *callbackrequest.Status) (*ent.CallbackRequestQuery, error) {
	if auth.FromContext(ctx) == nil {
		return nil, auth.ErrUnauthenticated
	}
	m, err := s.municipality(ctx, s.Client, municipality)
	if err != nil {
		return nil, err
	}
	ids, err := orgScope(ctx, s.Client, m, organization)
	if err != nil {
		return nil, err
	}
	q := s.Client.CallbackRequest.Query().Where(callbackrequest.MunicipalityID(m.ID))
	if ids != nil {
		q = q.Where(callbackrequest.OrganizationIDIn(ids...))
	}
	if status != nil {
		q = q.Where(callbackrequest.StatusEQ(*status))
	}
	return q, nil
}
