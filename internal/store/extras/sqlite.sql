-- Hand-written schema objects that Ent's planner does not know, applied after
-- the versioned migrations on every migrate. Every statement is idempotent.

-- Secrets the catalogue keeps for itself, such as the key of the pseudonyms
-- that replace actors' names after the retention period.
CREATE TABLE IF NOT EXISTS catalogus_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);

-- The catalogue's version: raised by one as the last statement of every
-- transaction that changed a table anonymous answers can show, by the
-- connections themselves (internal/store/writes.go), so it changes with every
-- committed change, in commit order, whichever path wrote. Response caches
-- and ETags key on it; every server instance reads the same row.
CREATE TABLE IF NOT EXISTS catalogue_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT OR IGNORE INTO catalogue_version (id, version) VALUES (1, 0);

-- The version of each municipality's part of the catalogue: raised by every
-- transaction whose change-log events concern it, in the same transaction
-- (municipality_id 0: changes that concern all municipalities, such as a
-- channel's; -id: the municipality's past, raised by transactions that record
-- its events at pinned moments, as the history importer and the restore do).
-- The country's coverage keeps each municipality's counts under its version
-- and recounts only those that changed; coverage keeps the projection's
-- aggregate, twelve weeks back, under the version of the past.
CREATE TABLE IF NOT EXISTS municipality_version (municipality_id INTEGER PRIMARY KEY, version INTEGER NOT NULL);

-- Coverage now (internal/coverage/tally): one row per PUBLISHED product with
-- what its coverage needs (classification, and each availability's status
-- and whether it offers another language), rewritten in the transaction of
-- every change to the product or its availabilities, at its commit, while
-- that transaction holds the product's row. Coverage now reads a
-- municipality's rows instead of replaying its log. coverage_tally says the
-- rows were built from the tables once (catalogus coverage rebuild, the
-- generator, or the service itself on first use); until then coverage replays
-- the log.
CREATE TABLE IF NOT EXISTS coverage_products (
	product_id INTEGER PRIMARY KEY,
	municipality_id INTEGER NOT NULL,
	owner_id INTEGER NOT NULL,
	theme TEXT NOT NULL,
	audiences TEXT NOT NULL,
	cells TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS coverage_products_municipality ON coverage_products (municipality_id);
CREATE TABLE IF NOT EXISTS coverage_tally (id INTEGER PRIMARY KEY CHECK (id = 1), built_at TEXT NOT NULL);
-- A catalogue without products has all its rows (none): built from the start.
INSERT INTO coverage_tally (id, built_at) SELECT 1, 'empty' WHERE NOT EXISTS (SELECT 1 FROM products)
	ON CONFLICT (id) DO NOTHING;

-- Coverage's snapshots of the past (internal/coverage/tally/snapshot.go): per
-- municipality at the start of each month, every product's state (published
-- or not, and its cells as coverage_products encodes them) as the change log
-- gives it at that moment (microseconds since 1970, UTC). Derived from the
-- log, dropped and derived again at will; coverage at a past moment reads the
-- latest one and the events since.
CREATE TABLE IF NOT EXISTS coverage_snapshots (
	municipality_id INTEGER NOT NULL,
	at_us BIGINT NOT NULL,
	products INTEGER NOT NULL,
	PRIMARY KEY (municipality_id, at_us)
);
CREATE TABLE IF NOT EXISTS coverage_snapshot_products (
	municipality_id INTEGER NOT NULL,
	at_us BIGINT NOT NULL,
	product_id INTEGER NOT NULL,
	published SMALLINT NOT NULL,
	cells TEXT NOT NULL,
	PRIMARY KEY (municipality_id, at_us, product_id)
);

-- Search (internal/search). Products and answers are analyzed in Go, and a
-- write hook keeps each one's terms here in the same transaction; the terms are
-- plain words [a-z0-9], which FTS5 indexes as they are (search_fts, kept in
-- step by triggers), as PostgreSQL's text search does. The first line of terms
-- is the record's scope (m<municipality><kind>), so a search narrows to its
-- municipality inside the index. The index over products' and answers' own
-- columns that came before is dropped.
DROP TRIGGER IF EXISTS product_search_insert;
DROP TRIGGER IF EXISTS product_search_delete;
DROP TRIGGER IF EXISTS product_search_update;
DROP TABLE IF EXISTS product_search;
DROP TRIGGER IF EXISTS answer_search_insert;
DROP TRIGGER IF EXISTS answer_search_delete;
DROP TRIGGER IF EXISTS answer_search_update;
DROP TABLE IF EXISTS answer_search;
CREATE TABLE IF NOT EXISTS search_documents (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	municipality_id INTEGER NOT NULL,
	public BOOLEAN NOT NULL,
	terms TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_documents_municipality ON search_documents (municipality_id, kind);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
	terms,
	content = 'search_documents', content_rowid = 'id',
	tokenize = 'unicode61'
);
CREATE TRIGGER IF NOT EXISTS search_fts_insert AFTER INSERT ON search_documents BEGIN
	INSERT INTO search_fts (rowid, terms) VALUES (new.id, new.terms);
END;
CREATE TRIGGER IF NOT EXISTS search_fts_delete AFTER DELETE ON search_documents BEGIN
	INSERT INTO search_fts (search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
END;
CREATE TRIGGER IF NOT EXISTS search_fts_update AFTER UPDATE OF terms ON search_documents BEGIN
	INSERT INTO search_fts (search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
	INSERT INTO search_fts (rowid, terms) VALUES (new.id, new.terms);
END;
-- Raised with every change to a municipality's searchable records or
-- synonyms: servers keep a lexicon per municipality until it moves.
CREATE TABLE IF NOT EXISTS search_versions (municipality_id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
-- The analysis the index was written with (search.AnalyzerVersion).
CREATE TABLE IF NOT EXISTS search_analyzer (id INTEGER PRIMARY KEY CHECK (id = 1), version TEXT NOT NULL);
