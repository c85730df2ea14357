package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The catalogue's version (catalogue_version, one row) is what ETags and the
// response cache of anonymous reads key on: every committed change to what an
// answer can show must raise it, or a stale answer is served until the next
// change. It is raised here, by the connections themselves, rather than by
// each path that writes (API mutations, importers, the restore, retention,
// the generator, commands): every statement of every path passes through the
// connections this package opens, so a new path cannot forget it. A
// transaction that ran a statement changing rows of a table (INSERT, UPDATE,
// DELETE, COPY …) raises the version as its last statement before the commit — in
// the same transaction, so that the change and the new version become visible
// together and versions follow commit order. A change outside a transaction
// raises it right after.

// raiseVersion is the statement that moves the catalogue's version.
const raiseVersion = "UPDATE catalogue_version SET version = version + 1 WHERE id = 1"

// versionless are the tables whose changes never show in an answer an
// anonymous caller can get, so they leave the version (and with it every
// cached answer) alone: the versions themselves, the migrations' bookkeeping,
// the catalogue's secrets, API tokens, editors' sessions and the security log,
// coverage's rows per product and snapshots of the past (derived from
// tables that move it), and webhook subscriptions and deliveries (admins'
// configuration and its outbox).
// Tokens and the security log are written by anonymous requests too (a wrong
// token is logged): if they moved the version, anyone could empty the response
// cache at will; signing in and out would empty it as well. Every other table
// moves it, new ones included.
var versionless = map[string]bool{
	"catalogue_version":          true,
	"municipality_version":       true,
	migrationsTable:              true,
	"catalogus_secrets":          true,
	"api_tokens":                 true,
	"security_events":            true,
	"editor_sessions":            true,
	"coverage_products":          true,
	"coverage_tally":             true,
	"coverage_snapshots":         true,
	"coverage_snapshot_products": true,
	// Webhooks: no anonymous answer shows them, and the dispatcher writes
	// its deliveries' progress all day; the outbox rows themselves are
	// written with a change that moves the version anyway.
	"webhook_subscriptions": true,
	"webhook_deliveries":    true,
}

// MovesVersion reports whether a statement changes a table whose changes
// raise the catalogue's version, and which table it names ("" when it cannot
// tell, which counts as a change).
func MovesVersion(query string) (table string, moves bool) {
	table, writes := writeTarget(query)
	// sqlite_sequence and the like: SQLite's own bookkeeping.
	return table, writes && !versionless[table] && !strings.HasPrefix(table, "sqlite_")
}

// writeTarget reads whether a statement changes rows, and of which table.
// It reads the statement's first words only: schema statements (CREATE,
// ALTER …) and a script of several statements count by their first one.
func writeTarget(query string) (string, bool) {
	s := skipSpace(query)
	verb, s := word(s)
	switch strings.ToUpper(verb) {
	case "INSERT", "REPLACE":
		// INSERT [OR …] INTO t
		for {
			var w string
			if w, s = word(s); w == "" {
				return "", true
			}
			if strings.EqualFold(w, "INTO") {
				return name(s), true
			}
		}
	case "UPDATE":
		// UPDATE [OR …] [ONLY] t
		if w, rest := word(s); strings.EqualFold(w, "OR") {
			_, s = word(rest)
		}
		if w, rest := word(s); strings.EqualFold(w, "ONLY") {
			s = rest
		}
		return name(s), true
	case "DELETE":
		// DELETE FROM [ONLY] t
		if w, rest := word(s); strings.EqualFold(w, "FROM") {
			if w2, rest2 := word(rest); strings.EqualFold(w2, "ONLY") {
				rest = rest2
			}
			return name(rest), true
		}
		return "", true
	case "COPY":
		return name(s), true
	case "TRUNCATE":
		if w, rest := word(s); strings.EqualFold(w, "TABLE") {
			s = rest
		}
		return name(s), true
	case "MERGE", "UPSERT":
		return "", true
	case "WITH":
		// A common table expression may change rows in any of its parts.
		u := strings.ToUpper(s)
		for _, w := range []string{"INSERT ", "UPDATE ", "DELETE ", "MERGE "} {
			if strings.Contains(u, w) {
				return "", true
			}
		}
	}
	return "", false
}

// skipSpace skips white space and comments.
func skipSpace(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n(")
		switch {
		case strings.HasPrefix(s, "--"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s, "*/")
			if i < 0 {
				return ""
			}
			s = s[i+2:]
		default:
			return s
		}
	}
}

// word returns the first word of s (letters, digits, underscores) and the
// rest after the white space that follows it.
func word(s string) (string, string) {
	s = skipSpace(s)
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	return s[:i], skipSpace(s[i:])
}

// name reads a table name, quoted or not, perhaps with its schema, in lower
// case and without schema.
func name(s string) string {
	s = skipSpace(s)
	var out string
	for {
		var part string
		switch {
		case s == "":
			return out
		case s[0] == '"' || s[0] == '`' || s[0] == '[':
			end := map[byte]byte{'"': '"', '`': '`', '[': ']'}[s[0]]
			i := strings.IndexByte(s[1:], end)
			if i < 0 {
				return strings.ToLower(s[1:])
			}
			part, s = s[1:i+1], s[i+2:]
		default:
			i := 0
			for i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
				i++
			}
			part, s = s[:i], s[i:]
		}
		out = strings.ToLower(part)
		if !strings.HasPrefix(s, ".") {
			return out
		}
		s = s[1:]
	}
}

// versioningConnector hands out connections that raise the catalogue's
// version after changes.
type versioningConnector struct {
	driver.Connector
	// hasVersion asks whether the version's table exists yet.
	hasVersion string
}

// conn is what both drivers' connections offer and database/sql uses; the
// wrapper must offer the same, or database/sql falls back to the methods
// without context.
type conn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func (c versioningConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := dc.(conn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("store: the database driver's connection (%T) lacks the context methods", dc)
	}
	return &versioningConn{conn: inner, hasVersion: c.hasVersion}, nil
}

// versioningConn watches the statements run on one connection.
// database/sql hands a connection to one goroutine at a time, so its state
// needs no lock.
type versioningConn struct {
	conn
	// tx is the open transaction, nil outside one.
	tx *versioningTx
	// hasVersion is the statement that asks whether the version's table
	// exists; versioned is set once it does.
	hasVersion string
	versioned  bool
}

// raise raises the catalogue's version. A database whose schema is not
// complete yet (a migration or an upgrade test writing between migrations)
// has no version to raise, and no server can have cached answers from it.
func (c *versioningConn) raise(ctx context.Context) error {
	if !c.versioned {
		rows, err := c.conn.QueryContext(ctx, c.hasVersion, nil)
		if err != nil {
			return err
		}
		dest := make([]driver.Value, 1)
		err = rows.Next(dest)
		rows.Close()
		if err != nil && err != io.EOF {
			return err
		}
		if err == io.EOF {
			return nil
		}
		c.versioned = true
	}
	_, err := c.conn.ExecContext(ctx, raiseVersion, nil)
	return err
}

// Unwrap returns the driver's own connection (modernc's Limit looks for it).
func (c *versioningConn) Unwrap() driver.Conn { return c.conn }

// changed notes that a statement changed rows: inside a transaction the
// commit raises the version; outside one it is raised now, after the change.
func (c *versioningConn) changed(ctx context.Context) error {
	if c.tx != nil {
		c.tx.changed = true
		return nil
	}
	if err := c.raise(ctx); err != nil {
		return fmt.Errorf("the change was saved, but the catalogue's version was not raised, so cached answers may show the old state until the next change: %w", err)
	}
	return nil
}

func (c *versioningConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.conn.ExecContext(ctx, query, args)
	if err == nil && changedRows(res) {
		if _, moves := MovesVersion(query); moves {
			err = c.changed(ctx)
		}
	}
	return res, err
}

func (c *versioningConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.conn.QueryContext(ctx, query, args)
	if err == nil {
		if _, moves := MovesVersion(query); moves {
			return c.changedWithRows(ctx, rows)
		}
	}
	return rows, err
}

// changedWithRows is changed for a statement that answers rows (INSERT …
// RETURNING): the rows are written once the statement ran. Outside a
// transaction the version is raised on this connection at once, and the
// PostgreSQL protocol allows no other statement while the answer's rows are
// still arriving, so they are read into memory first (a write's RETURNING
// rows are few).
func (c *versioningConn) changedWithRows(ctx context.Context, rows driver.Rows) (driver.Rows, error) {
	if c.tx != nil {
		c.tx.changed = true
		return rows, nil
	}
	buf, err := readAll(rows)
	if err != nil {
		return nil, err
	}
	if err := c.changed(ctx); err != nil {
		return nil, err
	}
	return buf, nil
}

// bufferedRows are rows read into memory.
type bufferedRows struct {
	columns []string
	rows    [][]driver.Value
}

func readAll(rows driver.Rows) (*bufferedRows, error) {
	defer rows.Close()
	b := &bufferedRows{columns: rows.Columns()}
	for {
		row := make([]driver.Value, len(b.columns))
		err := rows.Next(row)
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		for i, v := range row {
			if v, ok := v.([]byte); ok { // the driver may reuse its buffer
				row[i] = append([]byte(nil), v...)
			}
		}
		b.rows = append(b.rows, row)
	}
}

func (b *bufferedRows) Columns() []string { return b.columns }
func (b *bufferedRows) Close() error      { b.rows = nil; return nil }
func (b *bufferedRows) Next(dest []driver.Value) error {
	if len(b.rows) == 0 {
		return io.EOF
	}
	copy(dest, b.rows[0])
	b.rows = b.rows[1:]
	return nil
}

func (c *versioningConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if _, moves := MovesVersion(query); moves {
		return &versioningStmt{Stmt: st, conn: c}, nil
	}
	return st, nil
}

func (c *versioningConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *versioningConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.tx = &versioningTx{Tx: tx, conn: c, ctx: ctx}
	return c.tx, nil
}

func (c *versioningConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// CheckNamedValue leaves arguments to the driver's own checks (lib/pq has
// them), or to database/sql's defaults.
func (c *versioningConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// versioningTx raises the version before it commits, when it changed rows.
type versioningTx struct {
	driver.Tx
	conn    *versioningConn
	ctx     context.Context
	changed bool
}

func (t *versioningTx) Commit() error {
	t.conn.tx = nil
	if t.changed {
		// Last, so that the row's lock is held only for the commit itself.
		if err := t.conn.raise(t.ctx); err != nil {
			return errors.Join(fmt.Errorf("raising the catalogue's version: %w", err), t.Tx.Rollback())
		}
	}
	return t.Tx.Commit()
}

func (t *versioningTx) Rollback() error {
	t.conn.tx = nil
	return t.Tx.Rollback()
}

// versioningStmt is a prepared statement that changes rows (lib/pq's COPY,
// the generator's inserts).
type versioningStmt struct {
	driver.Stmt
	conn *versioningConn
}

func (s *versioningStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result
	var err error
	if st, ok := s.Stmt.(driver.StmtExecContext); ok {
		res, err = st.ExecContext(ctx, args)
	} else {
		var vals []driver.Value
		if vals, err = values(args); err == nil {
			res, err = s.Stmt.Exec(vals) //nolint:staticcheck // the driver offers nothing else
		}
	}
	if err == nil && changedRows(res) {
		err = s.conn.changed(ctx)
	}
	return res, err
}

func (s *versioningStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	var rows driver.Rows
	var err error
	if st, ok := s.Stmt.(driver.StmtQueryContext); ok {
		rows, err = st.QueryContext(ctx, args)
	} else {
		var vals []driver.Value
		if vals, err = values(args); err == nil {
			rows, err = s.Stmt.Query(vals) //nolint:staticcheck // the driver offers nothing else
		}
	}
	if err != nil {
		return nil, err
	}
	return s.conn.changedWithRows(ctx, rows)
}

// CheckNamedValue: as the connection's.
func (s *versioningStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return s.conn.CheckNamedValue(nv)
}

// changedRows reports whether a statement changed rows: one that matched
// none (a daily job finding nothing to do) leaves the version, and with it
// every cached answer, alone. A driver that cannot tell counts as a change.
func changedRows(res driver.Result) bool {
	n, err := res.RowsAffected()
	return err != nil || n > 0
}

func values(args []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, errors.New("store: the driver does not take named arguments")
		}
		out[i] = a.Value
	}
	return out, nil
}
