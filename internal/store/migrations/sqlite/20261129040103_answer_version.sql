-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_answers" table
CREATE TABLE `new_answers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `question` text NOT NULL, `text` text NOT NULL, `variants` json NULL, `visibility` text NOT NULL DEFAULT ('PUBLIC'), `status` text NOT NULL DEFAULT ('DRAFT'), `keywords` json NULL, `last_reviewed` datetime NOT NULL, `review_interval_days` integer NOT NULL DEFAULT (365), `version` integer NOT NULL DEFAULT (1), `owner_id` integer NOT NULL, `municipality_id` integer NOT NULL, CONSTRAINT `answers_organizations_owner` FOREIGN KEY (`owner_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `answers_organizations_municipality` FOREIGN KEY (`municipality_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_answers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_answers", 55834574848);
-- Copy rows from old table "answers" to new temporary table "new_answers"
INSERT INTO `new_answers` (`id`, `created_at`, `updated_at`, `question`, `text`, `variants`, `visibility`, `status`, `keywords`, `last_reviewed`, `review_interval_days`, `owner_id`, `municipality_id`) SELECT `id`, `created_at`, `updated_at`, `question`, `text`, `variants`, `visibility`, `status`, `keywords`, `last_reviewed`, `review_interval_days`, `owner_id`, `municipality_id` FROM `answers`;
-- Drop "answers" table after copying rows
DROP TABLE `answers`;
-- Rename temporary table "new_answers" to "answers"
ALTER TABLE `new_answers` RENAME TO `answers`;
-- Create index "answer_municipality_id_status" to table: "answers"
CREATE INDEX `answer_municipality_id_status` ON `answers` (`municipality_id`, `status`);
-- Create index "answer_owner_id" to table: "answers"
CREATE INDEX `answer_owner_id` ON `answers` (`owner_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
