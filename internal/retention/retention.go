// Package retention handles the personal data in the catalogue's logs as the
// AVG (GDPR) expects: after a retention period, the names of the people who
// made changes — in the change log and the security log — are replaced by a
// pseudonym, and client addresses are removed. The colleagues named on
// call-back requests closed that long ago (who filed them, who handled them)
// get the same treatment. The figures, the organizations and what changed
// stay, so coverage and history keep their meaning; the same person gets the
// same pseudonym, in every table, so patterns in the history stay visible.
//
// This is the one place that changes logged rows, with plain SQL outside the
// Ent hooks that otherwise keep the logs append-only.
package retention

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// Prefix starts every pseudonym.
const Prefix = "pseudoniem-"

// DefaultPeriod is how long names are kept: two years.
const DefaultPeriod = 2 * 365 * 24 * time.Hour

// kept are actors that name no person: the catalogue's own jobs.
var kept = []string{"system:", "seed:", Prefix}

// Report says what a run changed.
type Report struct {
	Cutoff                       time.Time
	ChangeEvents, SecurityEvents int
	// CallbackRequests counts the closed call-back requests whose filer or
	// assignee was replaced, each once however many of its names changed.
	CallbackRequests int
}

// Apply pseudonymises what is older than period, in one transaction, and
// records the run in the security log.
func Apply(ctx context.Context, db *store.DB, period time.Duration, now time.Time) (Report, error) {
	rep := Report{Cutoff: now.Add(-period).UTC().Truncate(time.Microsecond)}
	// The commit raises the catalogue's version when a row changed
	// (internal/store/writes.go): cached answers built on the log go.
	err := txn.RunSQL(ctx, db.SQL, func(tx *sql.Tx) error { return pseudonymise(ctx, tx, db.Target.Dialect, &rep) })
	if err != nil {
		return rep, err
	}
	detail := fmt.Sprintf("names before %s replaced: %d change-log entries, %d security-log entries, %d call-back requests",
		rep.Cutoff.Format(time.RFC3339), rep.ChangeEvents, rep.SecurityEvents, rep.CallbackRequests)
	return rep, auth.Record(ctx, db.Client, auth.RetentionRun, "system:retention", "", detail)
}

func oldActors(ctx context.Context, tx *sql.Tx, table, when string, cutoff time.Time) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT actor FROM "+table+" WHERE "+when+" < $1", cutoff)
	if err != nil {
		return nil, fmt.Errorf("retention: %s: %w", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		if !keep(a) {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// callbacks pseudonymises the colleagues' names on the call-back requests
// closed before cutoff and returns how many requests it changed. Open
// requests keep their names: colleagues still follow them up by them. The
// requests' updated_at stays, as in the logs: it must keep matching the
// request's last change-log entry, which a backup's restore checks.
func callbacks(ctx context.Context, tx *sql.Tx, pseudonym func(string) string, cutoff time.Time) (int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT requested_by, assignee FROM callback_requests WHERE status = 'CLOSED' AND closed_at < $1", cutoff)
	if err != nil {
		return 0, fmt.Errorf("retention: callback_requests: %w", err)
	}
	filers, assignees := map[string]bool{}, map[string]bool{}
	changed := 0
	for rows.Next() {
		var by string
		var assignee sql.NullString
		if err := rows.Scan(&by, &assignee); err != nil {
			rows.Close()
			return 0, err
		}
		// The assignee is typed in, not an actor: a blank one names nobody.
		named := assignee.Valid && strings.TrimSpace(assignee.String) != "" && !keep(assignee.String)
		if named {
			assignees[assignee.String] = true
		}
		if !keep(by) {
			filers[by] = true
		}
		if named || !keep(by) {
			changed++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("retention: callback_requests: %w", err)
	}
	// By name, as for the logs, and only after the read is done: the
	// transaction has one connection, which must not update the table it is
	// still reading.
	for _, col := range []struct {
		name  string
		names map[string]bool
	}{{"requested_by", filers}, {"assignee", assignees}} {
		for name := range col.names {
			if _, err := tx.ExecContext(ctx, "UPDATE callback_requests SET "+col.name+" = $1 WHERE "+col.name+" = $2 AND status = 'CLOSED' AND closed_at < $3",
				pseudonym(name), name, cutoff); err != nil {
				return 0, fmt.Errorf("retention: callback_requests: %w", err)
			}
		}
	}
	return changed, nil
}

// Pseudonym is the pseudonym the job gives name under key. A restore uses it
// to recognise a name the job replaced in the log but left on an open
// call-back request.
func Pseudonym(key []byte, name string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(name))
	return Prefix + hex.EncodeToString(m.Sum(nil))[:12]
}

// Querier and Execer are what a database, a transaction and an Ent client
// all offer for plain SQL.
type (
	Querier interface {
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	}
	Execer interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	}
)

// Key returns the key of the database's pseudonyms, or nil when no run has
// made one yet. A backup carries it, so that the restored database gives
// people the pseudonyms the original gave them.
func Key(ctx context.Context, q Querier) ([]byte, error) {
	rows, err := q.QueryContext(ctx, "SELECT value FROM catalogus_secrets WHERE name = 'pseudonym-key'")
	if err != nil {
		return nil, fmt.Errorf("retention: reading the pseudonym key: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var v string
	if err := rows.Scan(&v); err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

// SetKey replaces the database's pseudonym key: a restore brings back the
// key its records' pseudonyms were made with. Any key the empty database
// made (serve runs the job at start) has named nobody in what is restored.
func SetKey(ctx context.Context, e Execer, key []byte) error {
	if len(key) == 0 {
		return errors.New("retention: an empty pseudonym key")
	}
	if _, err := e.ExecContext(ctx, "DELETE FROM catalogus_secrets WHERE name = 'pseudonym-key'"); err != nil {
		return fmt.Errorf("retention: replacing the pseudonym key: %w", err)
	}
	if _, err := e.ExecContext(ctx, "INSERT INTO catalogus_secrets (name, value) VALUES ('pseudonym-key', $1)", hex.EncodeToString(key)); err != nil {
		return fmt.Errorf("retention: replacing the pseudonym key: %w", err)
	}
	return nil
}

func keep(actor string) bool {
	for _, p := range kept {
		if strings.HasPrefix(actor, p) {
			return true
		}
	}
	return false
}

// secret returns the key of the pseudonyms, made on first use. It lives in
// the database, so that every server gives a person the same pseudonym.
func secret(ctx context.Context, tx *sql.Tx, d string) ([]byte, error) {
	if key, err := Key(ctx, tx); err != nil || key != nil {
		return key, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	ins := "INSERT INTO catalogus_secrets (name, value) VALUES ('pseudonym-key', $1)"
	if d == dialect.SQLite {
		ins = "INSERT OR IGNORE INTO catalogus_secrets (name, value) VALUES ('pseudonym-key', $1)"
	} else {
		ins += " ON CONFLICT (name) DO NOTHING"
	}
	if _, err := tx.ExecContext(ctx, ins, hex.EncodeToString(b)); err != nil {
		return nil, err
	}
	// Another server may have made its key first: theirs is the one.
	return Key(ctx, tx)
}

// ParsePeriod reads a retention period: a number of days ("730d") or a Go
// duration ("8760h").
func ParsePeriod(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n > 0 && fmt.Sprint(n) == days {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("retention period %q: write a number of days, e.g. 730d", s)
	}
	return d, nil
}

// pseudonymise replaces the old names in the logs and on closed call-back
// requests, counting them in rep.
func pseudonymise(ctx context.Context, tx *sql.Tx, dialect string, rep *Report) error {
	key, err := secret(ctx, tx, dialect)
	if err != nil {
		return err
	}
	pseudonym := func(name string) string { return Pseudonym(key, name) }
	for _, t := range []struct {
		table, when string
		count       *int
		clearClient bool
	}{
		{"change_events", "recorded_at", &rep.ChangeEvents, false},
		{"security_events", "occurred_at", &rep.SecurityEvents, true},
	} {
		actors, err := oldActors(ctx, tx, t.table, t.when, rep.Cutoff)
		if err != nil {
			return err
		}
		for _, a := range actors {
			res, err := tx.ExecContext(ctx, "UPDATE "+t.table+" SET actor = $1 WHERE actor = $2 AND "+t.when+" < $3",
				pseudonym(a), a, rep.Cutoff)
			if err != nil {
				return fmt.Errorf("retention: %s: %w", t.table, err)
			}
			n, _ := res.RowsAffected()
			*t.count += int(n)
		}
		if t.clearClient {
			if _, err := tx.ExecContext(ctx, "UPDATE "+t.table+" SET client = '' WHERE client <> '' AND "+t.when+" < $1", rep.Cutoff); err != nil {
				return fmt.Errorf("retention: %s: %w", t.table, err)
			}
		}
	}
	if rep.CallbackRequests, err = callbacks(ctx, tx, pseudonym, rep.Cutoff); err != nil {
		return err
	}
	return nil
}
