-- Hand-written schema objects that Ent's planner does not know, applied after
-- the versioned migrations on every migrate. Every statement is idempotent.

-- Full-text search over products: FTS5 with a tokenizer that folds case and
-- removes diacritics, kept in step with the products table by triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS product_search USING fts5(
	name, summary, description,
	content = 'products', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS product_search_insert AFTER INSERT ON products BEGIN
	INSERT INTO product_search (rowid, name, summary, description) VALUES (new.id, new.name, new.summary, new.description);
END;
CREATE TRIGGER IF NOT EXISTS product_search_delete AFTER DELETE ON products BEGIN
	INSERT INTO product_search (product_search, rowid, name, summary, description) VALUES ('delete', old.id, old.name, old.summary, old.description);
END;
CREATE TRIGGER IF NOT EXISTS product_search_update AFTER UPDATE OF name, summary, description ON products BEGIN
	INSERT INTO product_search (product_search, rowid, name, summary, description) VALUES ('delete', old.id, old.name, old.summary, old.description);
	INSERT INTO product_search (rowid, name, summary, description) VALUES (new.id, new.name, new.summary, new.description);
END;

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
-- channel's). The country's coverage keeps each municipality's counts under
-- its version and recounts only those that changed.
CREATE TABLE IF NOT EXISTS municipality_version (municipality_id INTEGER PRIMARY KEY, version INTEGER NOT NULL);

-- Full-text search over the answer base (internal/knowledge): question,
-- keywords (their JSON text: the tokenizer drops the brackets and quotes) and
-- answer, kept in step with the answers table by triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS answer_search USING fts5(
	question, keywords, text,
	content = 'answers', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS answer_search_insert AFTER INSERT ON answers BEGIN
	INSERT INTO answer_search (rowid, question, keywords, text) VALUES (new.id, new.question, new.keywords, new.text);
END;
CREATE TRIGGER IF NOT EXISTS answer_search_delete AFTER DELETE ON answers BEGIN
	INSERT INTO answer_search (answer_search, rowid, question, keywords, text) VALUES ('delete', old.id, old.question, old.keywords, old.text);
END;
CREATE TRIGGER IF NOT EXISTS answer_search_update AFTER UPDATE OF question, keywords, text ON answers BEGIN
	INSERT INTO answer_search (answer_search, rowid, question, keywords, text) VALUES ('delete', old.id, old.question, old.keywords, old.text);
	INSERT INTO answer_search (rowid, question, keywords, text) VALUES (new.id, new.question, new.keywords, new.text);
END;
