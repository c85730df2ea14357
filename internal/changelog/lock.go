package changelog

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/dialect"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/contactvolume"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/satisfactiontarget"
	"github.com/gemeente-rotterdam/catalogus/ent/surveyresult"
	"github.com/gemeente-rotterdam/catalogus/ent/synonym"
	"github.com/gemeente-rotterdam/catalogus/ent/target"
)

// The moment a change is recorded at, and the old values it is compared
// with, are taken once the transaction holds the record's row lock. Two
// transactions that change one record at the same time then take them one
// after the other: the second waits for the first's commit, takes a later
// moment and compares with the values the first left. Taken before the wait
// (as before), the one that committed second could carry the earlier moment,
// and a replay of the log by time (coverage at a past moment, its history,
// the restore) ended the pair in the state the first left, not the one the
// tables hold. The record's updated_at is set to the same moment, so the
// restore's check of updated_at against the log still holds.
//
// An availability's change locks its product's row instead of its own: the
// change raises the product's version and sets its updated_at to the
// change's moment, so the product's lock must order its availabilities'
// changes as well, and one lock (always the product's, taken first) orders
// every change to a product and its cells without a second lock to deadlock on.
//
// SQLite runs one writing transaction at a time (the store begins them
// immediate), so there is nothing to wait for and no lock to take.

// lockRecord takes the row lock that orders the change of the record id
// (productID for an availability, which may be 0 for an update or delete:
// it is then read from the availability's row).
func (w *write) lockRecord(id, productID int) error {
	if !isPostgres(w.tx) {
		return nil
	}
	var (
		query string
		arg   int
	)
	switch {
	case w.spec.bumpsProduct && productID != 0:
		query, arg = "SELECT 1 FROM "+product.Table+" WHERE id = $1 FOR UPDATE", productID
	case w.spec.bumpsProduct:
		query, arg = "SELECT 1 FROM "+product.Table+" WHERE id = (SELECT product_id FROM "+availability.Table+" WHERE id = $1) FOR UPDATE", id
	default:
		table, ok := tables[w.m.Type()]
		if !ok {
			return fmt.Errorf("changelog: no table known for %s", w.m.Type())
		}
		query, arg = "SELECT 1 FROM "+table+" WHERE id = $1 FOR UPDATE", id
	}
	rows, err := w.client.QueryContext(w.ctx, query, arg)
	if err != nil {
		return fmt.Errorf("changelog: locking %s %d: %w", w.m.Type(), id, err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return fmt.Errorf("changelog: locking %s %d: %w", w.m.Type(), id, err)
	}
	return rows.Close()
}

// isPostgres reports whether tx runs on PostgreSQL.
func isPostgres(tx *gen.Tx) bool {
	d, ok := tx.Key().(interface{ Dialect() string })
	return ok && d.Dialect() == dialect.Postgres
}

// tables are the logged types' tables.
var tables = map[string]string{
	gen.TypeProduct:            product.Table,
	gen.TypeAvailability:       availability.Table,
	gen.TypeChannel:            channel.Table,
	gen.TypeOrganization:       organization.Table,
	gen.TypeLocation:           location.Table,
	gen.TypeTarget:             target.Table,
	gen.TypeSurveyResult:       surveyresult.Table,
	gen.TypeContactVolume:      contactvolume.Table,
	gen.TypeSatisfactionTarget: satisfactiontarget.Table,
	gen.TypeAnswer:             answer.Table,
	gen.TypeCallbackRequest:    callbackrequest.Table,
	gen.TypeSynonym:            synonym.Table,
}

// oldFields gives a record's values as its row holds them now. A mutation
// built from a record read earlier (UpdateOne(record)) answers OldField with
// that read, which a concurrent writer may have overtaken while this one
// waited for the lock; so the values are read again, through a fresh
// mutation of the same record, whose OldField reads the row in the
// transaction.
type oldFields interface {
	OldField(ctx context.Context, name string) (ent.Value, error)
}

func freshOld(c *gen.Client, typ string, id int) (oldFields, error) {
	switch typ {
	case gen.TypeProduct:
		return c.Product.UpdateOneID(id).Mutation(), nil
	case gen.TypeAvailability:
		return c.Availability.UpdateOneID(id).Mutation(), nil
	case gen.TypeChannel:
		return c.Channel.UpdateOneID(id).Mutation(), nil
	case gen.TypeOrganization:
		return c.Organization.UpdateOneID(id).Mutation(), nil
	case gen.TypeLocation:
		return c.Location.UpdateOneID(id).Mutation(), nil
	case gen.TypeTarget:
		return c.Target.UpdateOneID(id).Mutation(), nil
	case gen.TypeSurveyResult:
		return c.SurveyResult.UpdateOneID(id).Mutation(), nil
	case gen.TypeContactVolume:
		return c.ContactVolume.UpdateOneID(id).Mutation(), nil
	case gen.TypeSatisfactionTarget:
		return c.SatisfactionTarget.UpdateOneID(id).Mutation(), nil
	case gen.TypeAnswer:
		return c.Answer.UpdateOneID(id).Mutation(), nil
	case gen.TypeCallbackRequest:
		return c.CallbackRequest.UpdateOneID(id).Mutation(), nil
	case gen.TypeSynonym:
		return c.Synonym.UpdateOneID(id).Mutation(), nil
	case gen.TypeResidentTest:
		return c.ResidentTest.UpdateOneID(id).Mutation(), nil
	}
	return nil, fmt.Errorf("changelog: %s is not a logged type", typ)
}
