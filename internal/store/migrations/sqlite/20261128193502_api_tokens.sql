-- Create "api_tokens" table
CREATE TABLE `api_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `role` text NOT NULL, `hash` text NOT NULL, `created_at` datetime NOT NULL, `revoked_at` datetime NULL, `organization_id` integer NULL, CONSTRAINT `api_tokens_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL);
-- Set sequence for "api_tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("api_tokens", 34359738368);
-- Create index "api_tokens_name_key" to table: "api_tokens"
CREATE UNIQUE INDEX `api_tokens_name_key` ON `api_tokens` (`name`);
-- Create index "api_tokens_hash_key" to table: "api_tokens"
CREATE UNIQUE INDEX `api_tokens_hash_key` ON `api_tokens` (`hash`);
