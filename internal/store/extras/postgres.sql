-- Hand-written schema objects that Ent's planner does not know, applied after
-- the versioned migrations on every migrate. Every statement is idempotent.

-- Full-text search over products with the Dutch configuration; translate()
-- folds the common accented letters so that "café" finds "cafe".
CREATE INDEX IF NOT EXISTS product_search ON products USING gin (
	to_tsvector('dutch', translate(lower(name || ' ' || summary || ' ' || description),
		'áàâäãåéèêëíìîïóòôöõúùûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn'))
);

-- Secrets the catalogue keeps for itself, such as the key of the pseudonyms
-- that replace actors' names after the retention period.
CREATE TABLE IF NOT EXISTS catalogus_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);

-- The catalogue's version: raised by one as the last statement of every
-- transaction that changed a table anonymous answers can show, by the
-- connections themselves (internal/store/writes.go), so it changes with every
-- committed change, in commit order, whichever path wrote. Response caches
-- and ETags key on it; every server instance reads the same row.
CREATE TABLE IF NOT EXISTS catalogue_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO catalogue_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

-- The version of each municipality's part of the catalogue: raised by every
-- transaction whose change-log events concern it, in the same transaction
-- (municipality_id 0: changes that concern all municipalities, such as a
-- channel's). The country's coverage keeps each municipality's counts under
-- its version and recounts only those that changed.
CREATE TABLE IF NOT EXISTS municipality_version (municipality_id BIGINT PRIMARY KEY, version BIGINT NOT NULL);

-- Full-text search over the answer base (internal/knowledge): the question
-- weighs most, then the keywords, then the answer; folded as for products.
CREATE INDEX IF NOT EXISTS answer_search ON answers USING gin ((
	setweight(to_tsvector('dutch', translate(lower(question), 'áàâäãåéèêëíìîïóòôöõúùûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn')), 'A') ||
	setweight(to_tsvector('dutch', translate(lower(coalesce(keywords::text, '')), 'áàâäãåéèêëíìîïóòôöõúùûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn')), 'B') ||
	setweight(to_tsvector('dutch', translate(lower(text), 'áàâäãåéèêëíìîïóòôöõúùûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn')), 'C')
));
