-- Create "synonyms" table
CREATE TABLE `synonyms` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `terms` json NOT NULL, `leads_to` text NULL, `active` bool NOT NULL DEFAULT (true), `municipality_id` integer NOT NULL, CONSTRAINT `synonyms_organizations_municipality` FOREIGN KEY (`municipality_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "synonyms" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("synonyms", 68719476736);
-- Create index "synonym_municipality_id" to table: "synonyms"
CREATE INDEX `synonym_municipality_id` ON `synonyms` (`municipality_id`);
