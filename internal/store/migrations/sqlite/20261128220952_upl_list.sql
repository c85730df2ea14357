-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_upl_entries" table
CREATE TABLE `new_upl_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `uri` text NOT NULL, `name` text NOT NULL, `municipal` bool NOT NULL DEFAULT (false), `residents` bool NOT NULL DEFAULT (false), `businesses` bool NOT NULL DEFAULT (false), `request` bool NOT NULL DEFAULT (false), `sdg_code` text NULL, `national` bool NOT NULL DEFAULT (false), `provincial` bool NOT NULL DEFAULT (false), `water_authority` bool NOT NULL DEFAULT (false), `services_directive` bool NOT NULL DEFAULT (false), `autonomous` bool NOT NULL DEFAULT (false), `co_governance` bool NOT NULL DEFAULT (false), `subsidy` bool NOT NULL DEFAULT (false), `notification` bool NOT NULL DEFAULT (false), `obligation` bool NOT NULL DEFAULT (false), `digid_mandate` bool NOT NULL DEFAULT (false), `legal_bases` json NULL, `in_list` bool NOT NULL DEFAULT (true));
-- Set sequence for "new_upl_entries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_upl_entries", 30064771072);
-- Copy rows from old table "upl_entries" to new temporary table "new_upl_entries"
INSERT INTO `new_upl_entries` (`id`, `uri`, `name`, `municipal`, `residents`, `businesses`, `request`, `sdg_code`) SELECT `id`, `uri`, `name`, `municipal`, `residents`, `businesses`, `request`, `sdg_code` FROM `upl_entries`;
-- Drop "upl_entries" table after copying rows
DROP TABLE `upl_entries`;
-- Rename temporary table "new_upl_entries" to "upl_entries"
ALTER TABLE `new_upl_entries` RENAME TO `upl_entries`;
-- Create index "upl_entries_uri_key" to table: "upl_entries"
CREATE UNIQUE INDEX `upl_entries_uri_key` ON `upl_entries` (`uri`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
