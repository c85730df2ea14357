package knowledge

import (
	"time"

	"entgo.io/contrib/entgql"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// CreateAnswer is a new entry of the answer base.
type CreateAnswer struct {
	// Municipality is the municipality's code; nil: the deployment's.
	Municipality *string
	// Owner is the code of the organization that keeps the answer.
	Owner string
	// Products are the slugs of the products the answer is about.
	Products           []string
	Question, Text     string
	Variants           []catalog.AnswerVariant
	Visibility         *answer.Visibility
	Status             *answer.Status
	Keywords           []string
	ReviewIntervalDays *int
}

// UpdateAnswer changes the fields that are set; a list that is set replaces
// the old one (an empty list clears it).
type UpdateAnswer struct {
	ID int
	// ExpectedVersion is the answer's version as the editor last saw it; if
	// a colleague saved the answer since, the update is refused with an
	// catalog.ConflictError and nothing changes. Nil: no check, for callers
	// written before answers had versions.
	ExpectedVersion    *int
	Owner              *string
	Products           []string
	Question, Text     *string
	Variants           []catalog.AnswerVariant
	Visibility         *answer.Visibility
	Status             *answer.Status
	Keywords           []string
	ReviewIntervalDays *int
	// Reviewed marks the answer reviewed today, also when nothing else changes.
	Reviewed *bool
}

// CreateCallback is a new call-back request (terugbelverzoek).
type CreateCallback struct {
	Municipality *string
	// Product is the slug of the product the question is about.
	Product  string
	Question string
	// Channel is the code of the channel the question came in through;
	// ReplyChannel the one the resident wants the answer on.
	Channel, ReplyChannel string
	ContactName, Contact  *string
}

// Hit is one answer found by a search, with the wording for the channel asked.
type Hit struct {
	Node   *ent.Answer
	Cursor entgql.Cursor[int]
	// ChannelText is the channel's variant, or the main answer when the
	// channel has none (or no channel was asked).
	ChannelText string
	// Variant is the channel's variant, when there is one.
	Variant *catalog.AnswerVariant
}

// HitConnection is a page of search results.
type HitConnection struct {
	Edges      []*Hit
	PageInfo   ent.PageInfo
	TotalCount int
	// DidYouMean is the search with its unknown words corrected, when the
	// search found nothing.
	DidYouMean *string
}

// Question is a question residents asked that the base did not answer.
type Question struct {
	Question string
	// Product is the slug of the product it was about.
	Product string
	Count   int
}

// Report holds the figures of the answer base for a municipality or part of it.
type Report struct {
	AsOf time.Time
	// Products: published products owned within the filter.
	Products int
	// ProductsWithCurrentAnswer: of those, the ones with at least one current answer.
	ProductsWithCurrentAnswer int
	// Share is ProductsWithCurrentAnswer / Products (0 without products).
	Share float64
	// PublishedAnswers, CurrentAnswers, OverdueAnswers count answers owned
	// within the filter; published = current + overdue.
	PublishedAnswers, CurrentAnswers, OverdueAnswers int
	// OpenCallbacks counts requests not closed (OPEN or ASSIGNED);
	// ClosedCallbacks the handled ones.
	OpenCallbacks, AssignedCallbacks, ClosedCallbacks int
	// OldestOpenCallbackHours and AverageOpenCallbackHours: the age of the
	// open requests; nil when none is open.
	OldestOpenCallbackHours  *int
	AverageOpenCallbackHours *float64
	// TopUnansweredQuestions: staff only (empty for anonymous callers).
	TopUnansweredQuestions []Question
}
