package webhook

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"github.com/google/uuid"

	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
)

// Dispatcher sends the outbox: it claims due deliveries, POSTs them, and
// records the outcome. Several may run on one database (several instances
// of serve): a claim is a lease on the row, taken with FOR UPDATE SKIP
// LOCKED on PostgreSQL and under SQLite's one writer, so that no two
// dispatchers POST the same delivery at once. A dispatcher that dies while
// POSTing leaves its lease to expire; another then sends it again, with the
// same idempotency key.
//
// Per subscription, only the oldest pending delivery can be claimed: the
// next is POSTed once the one before is delivered or dead.
type Dispatcher struct {
	DB      *sql.DB
	Dialect string
	// SiteURL is the base of the public product pages (serve --site-url).
	SiteURL string
	// Allow is checked again before every POST: a host taken off the list
	// gets nothing more.
	Allow *AllowList
	// Clock says what time it is; tests pin it.
	Clock clock.Clock
	// Client POSTs; NewHTTPClient's when nil.
	Client *http.Client
	// Retry is the schedule of attempts.
	Retry Retry
	// Batch is how many deliveries (of different subscriptions) one claim
	// takes and POSTs at once; 8 when zero.
	Batch int
	// Poll is how long Run waits when nothing was due; 1 s when zero.
	Poll time.Duration
	Log  *slog.Logger
}

// Retry is when a failed delivery is tried again: after Base, doubling
// each time up to Max, each wait drawn between half and all of that (the
// jitter spreads receivers' returning load), until For has passed in
// waits; then the delivery is dead.
type Retry struct {
	Base, Max, For time.Duration
}

// DefaultRetry tries for at least 24 hours: waits of 10 s doubling to an
// hour, then hourly.
var DefaultRetry = Retry{Base: 10 * time.Second, Max: time.Hour, For: 24 * time.Hour}

// Attempts is how many attempts the schedule makes before a delivery is
// dead: enough that even the shortest draws of the jitter wait For in all.
func (r Retry) Attempts() int {
	var total time.Duration
	n := 1
	for total < r.For {
		total += r.wait(n) / 2
		n++
	}
	return n
}

// wait is the full wait after the n-th failed attempt (1-based).
func (r Retry) wait(n int) time.Duration {
	d := r.Base
	for i := 1; i < n && d < r.Max; i++ {
		d *= 2
	}
	return min(d, r.Max)
}

// Timeout bounds one POST, connection to last byte read.
const Timeout = 10 * time.Second

// lease is how long a claim holds a delivery: longer than any POST.
const lease = 2*Timeout + 30*time.Second

// maxResponse is how much of a receiver's answer is read: a receiver
// cannot make the dispatcher read without end.
const maxResponse = 64 << 10

// NewHTTPClient is the dispatcher's client: a timeout on the whole
// exchange, and redirects followed only on the same host (a callback on the
// allow-list cannot send the catalogue on to another).
func NewHTTPClient() *http.Client {
	return &http.Client{
		Timeout: Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("webhook: more than 3 redirects")
			}
			if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
				return fmt.Errorf("webhook: a redirect to another host (%s) is not followed", req.URL.Host)
			}
			return nil
		},
	}
}

func (d *Dispatcher) now() time.Time {
	c := d.Clock
	if c == nil {
		c = clock.System{}
	}
	return c.Now().UTC().Truncate(time.Microsecond)
}

// Run dispatches until ctx ends: a claim as soon as a commit of this
// process queued something, and every Poll otherwise.
func (d *Dispatcher) Run(ctx context.Context) {
	poll := d.Poll
	if poll == 0 {
		poll = time.Second
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		n, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil && d.Log != nil {
			d.Log.Warn("webhooks: dispatching", "error", err)
		}
		if n > 0 {
			continue // more may be due
		}
		t.Reset(poll)
		select {
		case <-ctx.Done():
			return
		case <-changelog.OutboxSignal():
		case <-t.C:
		}
	}
}

// claimed is one delivery a claim leased.
type claimed struct {
	id, attempts int
	key, token   string
	url, secret  string
	payload      []byte
	subscription int
}

// RunOnce claims the deliveries due now, POSTs them, records the outcomes,
// and returns how many it claimed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	cs, err := d.claim(ctx)
	if err != nil || len(cs) == 0 {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(cs))
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.deliver(ctx, c)
		}()
	}
	wg.Wait()
	return len(cs), errors.Join(errs...)
}

// claim leases the oldest pending delivery of each active subscription that
// is due and not leased, at most Batch of them, in one short transaction.
func (d *Dispatcher) claim(ctx context.Context) ([]claimed, error) {
	batch := d.Batch
	if batch == 0 {
		batch = 8
	}
	now := d.now()
	token := uuid.NewString()
	lock := ""
	if d.Dialect == dialect.Postgres {
		// Rows another dispatcher is claiming right now are skipped, not
		// waited for; the outer WHERE checks the lease again on the row as
		// it is when the update gets it.
		lock = " FOR UPDATE OF d SKIP LOCKED"
	}
	tx, err := d.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, `UPDATE webhook_deliveries SET lease_until = $1, lease_token = $2
		WHERE (lease_until IS NULL OR lease_until <= $3) AND state = 'PENDING' AND id IN (
			SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
			WHERE s.active AND d.state = 'PENDING' AND d.next_attempt_at <= $3
			AND (d.lease_until IS NULL OR d.lease_until <= $3)
			AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
				WHERE e.subscription_id = d.subscription_id AND e.state = 'PENDING' AND e.id < d.id)
			ORDER BY d.id LIMIT $4`+lock+`)
		RETURNING id`, now.Add(lease), token, now, batch)
	if err != nil {
		return nil, fmt.Errorf("webhooks: claiming deliveries: %w", err)
	}
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err = tx.QueryContext(ctx, `SELECT d.id, d.attempts, d.idempotency_key, d.payload, d.subscription_id, s.url, s.secret
		FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
		WHERE d.lease_token = $1 ORDER BY d.id`, token)
	if err != nil {
		return nil, err
	}
	var out []claimed
	for rows.Next() {
		c := claimed{token: token}
		if err := rows.Scan(&c.id, &c.attempts, &c.key, &c.payload, &c.subscription, &c.url, &c.secret); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// deliver POSTs one claimed delivery and records what happened.
func (d *Dispatcher) deliver(ctx context.Context, c claimed) error {
	var payload map[string]any
	status, sendErr := 0, error(nil)
	if err := json.Unmarshal(c.payload, &payload); err != nil {
		sendErr = fmt.Errorf("the stored payload is not JSON: %w", err)
	} else if body, err := render(d.SiteURL, payload); err != nil {
		sendErr = err
	} else if err := d.Allow.Check(c.url); err != nil {
		sendErr = err
	} else {
		status, sendErr = d.post(ctx, c, body)
	}
	// Recorded even while shutting down, so that a delivered notification
	// is not sent again after the restart.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if ctx.Err() != nil && sendErr != nil {
		// Shut down before or during the POST: not the receiver's failure.
		// Give the lease back, so that another instance (or the next
		// start) sends it at once, with the same key. A dispatcher killed
		// outright leaves its lease to expire instead.
		_, err := d.DB.ExecContext(rctx, `UPDATE webhook_deliveries SET lease_until = NULL, lease_token = ''
			WHERE id = $1 AND lease_token = $2`, c.id, c.token)
		return err
	}
	return d.record(rctx, c, status, sendErr)
}

// post sends body and returns the receiver's status; a 2xx is delivered.
func (d *Dispatcher) post(ctx context.Context, c claimed, body []byte) (int, error) {
	client := d.Client
	if client == nil {
		client = NewHTTPClient()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := d.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Catalogus-Webhooks/1")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(c.secret, ts, body))
	req.Header.Set(HeaderIdempotency, c.key)
	req.Header.Set(HeaderAttempt, strconv.Itoa(c.attempts+1))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if len(answer) > 200 {
			answer = answer[:200]
		}
		return resp.StatusCode, fmt.Errorf("the receiver answered %s: %q", resp.Status, answer)
	}
	return resp.StatusCode, nil
}

// record writes the outcome, if the claim still holds the lease (a
// dispatcher that outlived its lease leaves the row to the one that took it).
func (d *Dispatcher) record(ctx context.Context, c claimed, status int, sendErr error) error {
	now := d.now()
	var st *int
	if status != 0 {
		st = &status
	}
	if sendErr == nil {
		_, err := d.DB.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'DELIVERED', attempts = attempts + 1,
			delivered_at = $1, last_status = $2, last_error = '', lease_until = NULL, lease_token = ''
			WHERE id = $3 AND lease_token = $4`, now, st, c.id, c.token)
		return err
	}
	attempts := c.attempts + 1
	retry := d.Retry
	if retry.Base == 0 {
		retry = DefaultRetry
	}
	state, next := "PENDING", now
	if attempts >= retry.Attempts() {
		state = "DEAD"
	} else {
		full := retry.wait(attempts)
		next = now.Add(full/2 + rand.N(full/2+1)).Truncate(time.Microsecond)
	}
	msg := sendErr.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	if d.Log != nil {
		d.Log.Info("webhooks: delivery failed", "delivery", c.id, "subscription", c.subscription, "attempt", attempts, "state", state, "error", msg)
	}
	_, err := d.DB.ExecContext(ctx, `UPDATE webhook_deliveries SET state = $1, attempts = $2, next_attempt_at = $3,
		last_status = $4, last_error = $5, lease_until = NULL, lease_token = ''
		WHERE id = $6 AND lease_token = $7`, state, attempts, next, st, msg, c.id, c.token)
	return err
}
