-- Create "security_events" table
CREATE TABLE `security_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `kind` text NOT NULL, `actor` text NOT NULL, `client` text NOT NULL DEFAULT (''), `detail` text NOT NULL DEFAULT (''), `occurred_at` datetime NOT NULL);
-- Set sequence for "security_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("security_events", 38654705664);
-- Create index "securityevent_occurred_at" to table: "security_events"
CREATE INDEX `securityevent_occurred_at` ON `security_events` (`occurred_at`);
-- Create index "securityevent_kind_occurred_at" to table: "security_events"
CREATE INDEX `securityevent_kind_occurred_at` ON `security_events` (`kind`, `occurred_at`);
