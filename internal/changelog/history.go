package changelog

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// Step is one past change for Import: at At, Actor made the writes Apply does.
type Step struct {
	At    time.Time
	Actor Actor
	// Apply makes the step's writes through the given transactional client,
	// with ordinary Ent mutations: the hooks check and log them as usual.
	Apply func(ctx context.Context, c *gen.Client) error
	// ActorOrganization, when set, gives the actor's organization at the
	// moment the step runs, overriding Actor.OrganizationID. A restore needs
	// it: an organization's id is only known once an earlier step created it.
	ActorOrganization func() *int
}

// ImportOptions tune Import.
type ImportOptions struct {
	// Progress, when set, is called after each step with the number done.
	Progress func(done, total int)
	// Check, when set, runs in the transaction after the last step; an error
	// rolls the whole import back. A restore checks its result with it.
	Check func(ctx context.Context, c *gen.Client) error
	// Start, when set, runs in the transaction before the first step; when
	// it reports skip, the import ends without writing anything. The seed
	// checks there, under the transaction's write lock, whether another
	// process loaded it meanwhile.
	Start func(ctx context.Context, c *gen.Client) (skip bool, err error)
}

// Import writes history: the state that a series of past changes leads to,
// together with the change-log events that record them, each at its own past
// moment. It is the only way to record changes at another time than now; the
// seed, restores, the national-scale generator and tests use it.
//
// Steps must come in time order, after the newest event already in the log
// and not after the client's clock, so that the log stays a faithful history:
// replaying it in (recorded_at, id) order gives the current state. All steps
// are applied in one transaction: all or nothing.
func Import(ctx context.Context, c *gen.Client, steps []Step, opts ImportOptions) error {
	if len(steps) == 0 {
		return nil
	}
	now := time.Now()
	if c.Clock != nil {
		now = c.Clock.Now()
	}
	for i, s := range steps {
		switch {
		case s.Actor.Name == "":
			return fmt.Errorf("history step %d (%s) names no actor", i+1, s.At.Format(time.RFC3339))
		case s.At.After(now):
			return fmt.Errorf("history step %d lies in the future (%s)", i+1, s.At.Format(time.RFC3339))
		case i > 0 && s.At.Before(steps[i-1].At):
			return fmt.Errorf("history steps must be in time order: step %d (%s) comes before step %d (%s)",
				i+1, s.At.Format(time.RFC3339), i, steps[i-1].At.Format(time.RFC3339))
		}
	}
	// The importer is the catalogue's own path: it passes the privacy rules.
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	var skipped bool
	err := txn.Run(ctx, c, func(client *gen.Client) (err error) {
		skipped, err = replay(ctx, client, steps, opts)
		return err
	})
	if err != nil {
		return err
	}
	if skipped {
		return nil
	}
	// The import dropped the snapshots of the past from its first moment on
	// (in its own transaction); derive them again, with any missing.
	if _, err := BuildSnapshots(ctx, c, now); err != nil {
		return fmt.Errorf("deriving coverage's snapshots after the import: %w", err)
	}
	// A bulk load leaves the query planner's statistics behind the data; both
	// databases then pick poor plans for the coverage queries until they catch up.
	if _, err := c.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("updating planner statistics after the import: %w", err)
	}
	return nil
}

// replay writes the steps, each as a change of its own, inside the import's
// transaction, and runs the caller's check on the result. It reports skipped
// when the caller's Start found nothing to do.
func replay(ctx context.Context, client *gen.Client, steps []Step, opts ImportOptions) (skipped bool, err error) {
	if opts.Start != nil {
		skip, err := opts.Start(ctx, client)
		if err != nil || skip {
			return skip, err
		}
	}
	last, err := client.ChangeEvent.Query().Order(gen.Desc(changeevent.FieldRecordedAt)).First(ctx)
	switch {
	case gen.IsNotFound(err):
	case err != nil:
		return false, err
	case steps[0].At.Before(last.RecordedAt):
		return false, fmt.Errorf("history must come after what the change log already holds: its newest change is at %s, the first step at %s",
			last.RecordedAt.Format(time.RFC3339), steps[0].At.Format(time.RFC3339))
	}
	for i, s := range steps {
		// Each step is one write of its own: its own moment and its own group id.
		actor := s.Actor
		if s.ActorOrganization != nil {
			actor.OrganizationID = s.ActorOrganization()
		}
		sctx := context.WithValue(WithActor(ctx, actor), recordedAtKey{}, s.At)
		sctx = context.WithValue(sctx, groupKey{}, uuid.NewString())
		if err := s.Apply(sctx, client); err != nil {
			return false, fmt.Errorf("history step %d (%s): %w", i+1, s.At.Format(time.RFC3339), err)
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(steps))
		}
	}
	if opts.Check != nil {
		if err := opts.Check(ctx, client); err != nil {
			return false, err
		}
	}
	return false, nil
}
