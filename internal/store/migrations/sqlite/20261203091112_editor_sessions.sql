-- Create "editor_sessions" table
CREATE TABLE `editor_sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `secret_hash` text NOT NULL, `name` text NOT NULL, `role` text NOT NULL, `organization_code` text NOT NULL DEFAULT (''), `dev` bool NOT NULL DEFAULT (false), `subject` text NOT NULL DEFAULT (''), `provider_session` text NOT NULL DEFAULT (''), `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `checked_at` datetime NOT NULL, `recheck_at` datetime NOT NULL, `credentials` blob NULL);
-- Set sequence for "editor_sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("editor_sessions", 64424509440);
-- Create index "editor_sessions_secret_hash_key" to table: "editor_sessions"
CREATE UNIQUE INDEX `editor_sessions_secret_hash_key` ON `editor_sessions` (`secret_hash`);
-- Create index "editorsession_expires_at" to table: "editor_sessions"
CREATE INDEX `editorsession_expires_at` ON `editor_sessions` (`expires_at`);
-- Create index "editorsession_subject" to table: "editor_sessions"
CREATE INDEX `editorsession_subject` ON `editor_sessions` (`subject`);
-- Create index "editorsession_provider_session" to table: "editor_sessions"
CREATE INDEX `editorsession_provider_session` ON `editor_sessions` (`provider_session`);
