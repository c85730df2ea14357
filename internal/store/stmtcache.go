package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/lib/pq"
)

// maxCachedStatements bounds each connection's prepared statements. Ent
// writes one text per query shape; lists of ids (IN ($1, $2, …)) make more,
// so the cache is emptied when it is full rather than grown.
const maxCachedStatements = 256

// openPostgres connects through lib/pq with a prepared-statement cache per
// connection. lib/pq runs a query with arguments as an unnamed statement:
// parse and plan, wait for the answer, then bind and execute — two round
// trips and a fresh plan every time. A connection that keeps the statements
// it prepared runs a repeated query in one round trip, on PostgreSQL's
// cached plan. database/sql hands a connection to one goroutine at a time, so
// the cache needs no lock.
func openPostgres(dsn string) (driver.Connector, error) {
	c, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return cachingConnector{c}, nil
}

type cachingConnector struct{ driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{pqConn: conn.(pqConn), stmts: map[string]driver.Stmt{}}, nil
}

// pqConn is what lib/pq's connection offers and database/sql uses.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

type cachingConn struct {
	pqConn
	stmts map[string]driver.Stmt
}

// cacheable leaves COPY to lib/pq: it prepares that in its own way.
func cacheable(query string, args []driver.NamedValue) bool {
	q := strings.TrimLeft(query, " \t\r\n")
	return len(args) > 0 && !(len(q) >= 4 && strings.EqualFold(q[:4], "COPY"))
}

func (c *cachingConn) stmt(ctx context.Context, query string) (driver.Stmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	if len(c.stmts) >= maxCachedStatements {
		c.closeAll()
	}
	st, err := c.pqConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

// forget drops a statement that failed: after a schema change its plan may
// no longer fit, and the next call prepares it anew.
func (c *cachingConn) forget(query string, err error) {
	if errors.Is(err, driver.ErrBadConn) {
		return // database/sql discards the whole connection
	}
	if st, ok := c.stmts[query]; ok {
		delete(c.stmts, query)
		_ = st.Close()
	}
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !cacheable(query, args) {
		return c.pqConn.QueryContext(ctx, query, args)
	}
	return cached(c, ctx, query, func(st driver.Stmt) (driver.Rows, error) {
		return st.(driver.StmtQueryContext).QueryContext(ctx, args)
	})
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !cacheable(query, args) {
		return c.pqConn.ExecContext(ctx, query, args)
	}
	return cached(c, ctx, query, func(st driver.Stmt) (driver.Result, error) {
		return st.(driver.StmtExecContext).ExecContext(ctx, args)
	})
}

// cached runs a query on its kept statement. A statement whose result no
// longer fits the tables (a column was added since it was prepared) is
// prepared anew and run once more: PostgreSQL refuses to run it otherwise.
func cached[T any](c *cachingConn, ctx context.Context, query string, run func(driver.Stmt) (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		st, err := c.stmt(ctx, query)
		if err != nil {
			var zero T
			return zero, err
		}
		out, err := run(st)
		if err == nil {
			return out, nil
		}
		c.forget(query, err)
		var pqErr *pq.Error
		if attempt > 0 || !errors.As(err, &pqErr) || pqErr.Code != "0A000" {
			return out, err
		}
	}
}

func (c *cachingConn) closeAll() {
	for q, st := range c.stmts {
		_ = st.Close()
		delete(c.stmts, q)
	}
}

func (c *cachingConn) Close() error {
	// Closing the connection ends its statements on the server too.
	c.stmts = nil
	return c.pqConn.Close()
}
