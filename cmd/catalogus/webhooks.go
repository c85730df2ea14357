package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/webhookdelivery"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

// The operator acts as an admin of everything: the command line is the
// machine's, as for tokens.
func operatorCtx(ctx context.Context) context.Context {
	return auth.NewContext(ctx, &auth.Viewer{Name: operator(), Role: auth.Admin})
}

var webhooksListCmd = command{
	name:     "webhooks list",
	synopsis: "",
	brief:    "list the webhook subscriptions",
	summary:  "list the webhook subscriptions with their pending, delivered and dead notifications (never their secrets)",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			db, err := openReading(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx = operatorCtx(ctx)
			subs, err := (&webhook.Service{Client: db.Client}).Subscriptions(ctx, nil)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tMUNICIPALITY\tURL\tKINDS\tACTIVE\tPENDING\tDELIVERED\tDEAD")
			for _, s := range subs {
				m, err := db.Client.Organization.Get(ctx, s.MunicipalityID)
				if err != nil {
					return err
				}
				counts := map[webhookdelivery.State]int{}
				for _, st := range []webhookdelivery.State{webhookdelivery.StatePENDING, webhookdelivery.StateDELIVERED, webhookdelivery.StateDEAD} {
					if counts[st], err = db.Client.WebhookDelivery.Query().Where(webhookdelivery.SubscriptionID(s.ID), webhookdelivery.StateEQ(st)).Count(ctx); err != nil {
						return err
					}
				}
				kinds := "all"
				if len(s.Kinds) > 0 {
					kinds = strings.Join(s.Kinds, ",")
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%v\t%d\t%d\t%d\n", s.ID, m.Code, s.URL, kinds, s.Active,
					counts[webhookdelivery.StatePENDING], counts[webhookdelivery.StateDELIVERED], counts[webhookdelivery.StateDEAD])
			}
			return w.Flush()
		}
	},
}

// deliveriesCmd lists deliveries; dead fixes the state to DEAD.
func deliveriesCmd(name, brief string, dead bool) command {
	return command{
		name:     name,
		synopsis: "[--subscription ID] [--limit 50]" + map[bool]string{false: " [--state pending|delivered|dead]", true: ""}[dead],
		brief:    brief,
		summary:  brief + ", newest first",
		flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
			sub := fs.Int("subscription", 0, "only this subscription's (its id, from catalogus webhooks list)")
			limit := fs.Int("limit", 50, "show at most this many")
			var state *string
			if !dead {
				state = fs.String("state", "", "only those in this state: pending, delivered or dead")
			}
			return func(ctx context.Context, e *env) error {
				var st *webhookdelivery.State
				switch {
				case dead:
					s := webhookdelivery.StateDEAD
					st = &s
				case *state != "":
					s := webhookdelivery.State(strings.ToUpper(*state))
					if err := webhookdelivery.StateValidator(s); err != nil {
						return fmt.Errorf("--state %q: give pending, delivered or dead", *state)
					}
					st = &s
				}
				if *limit < 1 {
					return fmt.Errorf("--limit %d: give 1 or more", *limit)
				}
				db, err := openReading(ctx, e)
				if err != nil {
					return err
				}
				defer db.Close()
				ds, err := (&webhook.Service{Client: db.Client}).Deliveries(operatorCtx(ctx), *sub, st, *limit)
				if err != nil {
					return err
				}
				return printDeliveries(e, ds)
			}
		},
	}
}

var (
	webhooksDeliveriesCmd = deliveriesCmd("webhooks deliveries", "list webhook notifications and how sending them went", false)
	webhooksDeadCmd       = deliveriesCmd("webhooks dead", "list the dead letters: notifications every retry failed for", true)
)

func printDeliveries(e *env, ds []*ent.WebhookDelivery) error {
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSUBSCRIPTION\tKEY\tKIND\tSLUG\tSTATE\tATTEMPTS\tNEXT/DELIVERED\tLAST ERROR")
	for _, d := range ds {
		kind, _ := d.Payload["kind"].(string)
		slug, _ := d.Payload["slug"].(string)
		when := d.NextAttemptAt.Format(time.DateTime)
		if d.DeliveredAt != nil {
			when = d.DeliveredAt.Format(time.DateTime)
		}
		last := d.LastError
		if len(last) > 60 {
			last = last[:60] + "…"
		}
		fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.SubscriptionID, d.IdempotencyKey, kind, slug,
			strings.ToLower(string(d.State)), d.Attempts, when, last)
	}
	return w.Flush()
}

var webhooksRedeliverCmd = command{
	name:     "webhooks redeliver",
	synopsis: "ID...",
	brief:    "send dead or delivered webhook notifications again",
	args:     "ID...",
	summary:  "queue webhook notifications again (ids from catalogus webhooks dead), with a fresh retry schedule and the same idempotency key; a running serve sends them",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			if len(e.args) == 0 {
				return errors.New("name the deliveries to send again: catalogus webhooks redeliver ID... (see catalogus webhooks dead)")
			}
			var ids []int
			for _, a := range e.args {
				id, err := strconv.Atoi(a)
				if err != nil {
					return fmt.Errorf("%q is not a delivery id (a number from catalogus webhooks dead)", a)
				}
				ids = append(ids, id)
			}
			db, err := openCatalogue(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			s := &webhook.Service{Client: db.Client}
			for _, id := range ids {
				d, err := s.Redeliver(operatorCtx(ctx), id)
				if err != nil {
					return fmt.Errorf("delivery %d: %w", id, err)
				}
				fmt.Fprintf(e.stdout, "queued delivery %d (%s) again\n", d.ID, d.IdempotencyKey)
			}
			return nil
		}
	},
}
