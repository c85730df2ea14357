-- Create "availabilities" table
CREATE TABLE `availabilities` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `status` text NOT NULL, `planned_date` datetime NULL, `available_since` datetime NULL, `reason` text NULL, `last_reviewed` datetime NOT NULL, `url` text NULL, `phone` text NULL, `instructions` text NULL, `processing_time` text NULL, `cost_cents` integer NULL, `cost_currency` text NOT NULL DEFAULT ('EUR'), `identification` text NOT NULL DEFAULT ('NONE'), `languages` json NULL, `channel_id` integer NOT NULL, `product_id` integer NOT NULL, CONSTRAINT `availabilities_channels_availabilities` FOREIGN KEY (`channel_id`) REFERENCES `channels` (`id`) ON DELETE NO ACTION, CONSTRAINT `availabilities_products_availabilities` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE NO ACTION);
-- Create index "availability_product_id_channel_id" to table: "availabilities"
CREATE UNIQUE INDEX `availability_product_id_channel_id` ON `availabilities` (`product_id`, `channel_id`);
-- Create index "availability_channel_id_status" to table: "availabilities"
CREATE INDEX `availability_channel_id_status` ON `availabilities` (`channel_id`, `status`);
-- Create "change_events" table
CREATE TABLE `change_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `entity` text NOT NULL, `entity_id` integer NOT NULL, `action` text NOT NULL, `product_id` integer NULL, `channel_id` integer NULL, `municipality_id` integer NULL, `state` text NULL, `other_language` bool NULL, `changes` json NOT NULL, `actor` text NOT NULL, `actor_organization_id` integer NULL, `recorded_at` datetime NOT NULL, `tx_id` text NOT NULL);
-- Set sequence for "change_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("change_events", 4294967296);
-- Create index "changeevent_product_id_recorded_at" to table: "change_events"
CREATE INDEX `changeevent_product_id_recorded_at` ON `change_events` (`product_id`, `recorded_at`);
-- Create index "changeevent_channel_id_recorded_at" to table: "change_events"
CREATE INDEX `changeevent_channel_id_recorded_at` ON `change_events` (`channel_id`, `recorded_at`);
-- Create index "changeevent_municipality_id_entity_recorded_at" to table: "change_events"
CREATE INDEX `changeevent_municipality_id_entity_recorded_at` ON `change_events` (`municipality_id`, `entity`, `recorded_at`);
-- Create index "changeevent_entity_entity_id_recorded_at" to table: "change_events"
CREATE INDEX `changeevent_entity_entity_id_recorded_at` ON `change_events` (`entity`, `entity_id`, `recorded_at`);
-- Create index "changeevent_recorded_at" to table: "change_events"
CREATE INDEX `changeevent_recorded_at` ON `change_events` (`recorded_at`);
-- Create index "changeevent_tx_id" to table: "change_events"
CREATE INDEX `changeevent_tx_id` ON `change_events` (`tx_id`);
-- Create "channels" table
CREATE TABLE `channels` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `code` text NOT NULL, `name` text NOT NULL, `name_en` text NOT NULL, `description` text NOT NULL DEFAULT (''), `digital` bool NOT NULL DEFAULT (false), `assisted` bool NOT NULL DEFAULT (false), `youth` bool NOT NULL DEFAULT (false), `active` bool NOT NULL DEFAULT (true), `sort_order` integer NOT NULL DEFAULT (0));
-- Set sequence for "channels" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("channels", 8589934592);
-- Create index "channels_code_key" to table: "channels"
CREATE UNIQUE INDEX `channels_code_key` ON `channels` (`code`);
-- Create "locations" table
CREATE TABLE `locations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `code` text NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `street` text NOT NULL, `postal_code` text NOT NULL, `city` text NOT NULL, `opening_hours` text NOT NULL DEFAULT (''), `visit` text NOT NULL, `municipality_id` integer NOT NULL, CONSTRAINT `locations_organizations_municipality` FOREIGN KEY (`municipality_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "locations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("locations", 12884901888);
-- Create index "locations_code_key" to table: "locations"
CREATE UNIQUE INDEX `locations_code_key` ON `locations` (`code`);
-- Create index "location_municipality_id" to table: "locations"
CREATE INDEX `location_municipality_id` ON `locations` (`municipality_id`);
-- Create "organizations" table
CREATE TABLE `organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `code` text NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `parent_id` integer NULL, CONSTRAINT `organizations_organizations_children` FOREIGN KEY (`parent_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL);
-- Set sequence for "organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("organizations", 17179869184);
-- Create index "organizations_code_key" to table: "organizations"
CREATE UNIQUE INDEX `organizations_code_key` ON `organizations` (`code`);
-- Create index "organization_parent_id" to table: "organizations"
CREATE INDEX `organization_parent_id` ON `organizations` (`parent_id`);
-- Create "products" table
CREATE TABLE `products` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `slug` text NOT NULL, `name` text NOT NULL, `name_en` text NULL, `summary` text NOT NULL DEFAULT (''), `description` text NOT NULL DEFAULT (''), `audiences` json NOT NULL, `theme` text NOT NULL, `status` text NOT NULL DEFAULT ('DRAFT'), `version` integer NOT NULL DEFAULT (1), `owner_id` integer NOT NULL, `municipality_id` integer NOT NULL, `upl_entry_id` integer NULL, CONSTRAINT `products_organizations_products` FOREIGN KEY (`owner_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `products_organizations_municipality` FOREIGN KEY (`municipality_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `products_upl_entries_products` FOREIGN KEY (`upl_entry_id`) REFERENCES `upl_entries` (`id`) ON DELETE SET NULL);
-- Set sequence for "products" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("products", 21474836480);
-- Create index "product_municipality_id_slug" to table: "products"
CREATE UNIQUE INDEX `product_municipality_id_slug` ON `products` (`municipality_id`, `slug`);
-- Create index "product_municipality_id_status" to table: "products"
CREATE INDEX `product_municipality_id_status` ON `products` (`municipality_id`, `status`);
-- Create index "product_owner_id" to table: "products"
CREATE INDEX `product_owner_id` ON `products` (`owner_id`);
-- Create index "product_upl_entry_id" to table: "products"
CREATE INDEX `product_upl_entry_id` ON `products` (`upl_entry_id`);
-- Create "targets" table
CREATE TABLE `targets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `description` text NOT NULL DEFAULT (''), `deadline` datetime NOT NULL, `share` real NOT NULL, `primary` bool NOT NULL DEFAULT (false), `municipality_id` integer NULL, CONSTRAINT `targets_organizations_municipality` FOREIGN KEY (`municipality_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL);
-- Set sequence for "targets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("targets", 25769803776);
-- Create "upl_entries" table
CREATE TABLE `upl_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `uri` text NOT NULL, `name` text NOT NULL, `municipal` bool NOT NULL DEFAULT (false), `residents` bool NOT NULL DEFAULT (false), `businesses` bool NOT NULL DEFAULT (false), `request` bool NOT NULL DEFAULT (false), `sdg_code` text NULL);
-- Set sequence for "upl_entries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("upl_entries", 30064771072);
-- Create index "upl_entries_uri_key" to table: "upl_entries"
CREATE UNIQUE INDEX `upl_entries_uri_key` ON `upl_entries` (`uri`);
-- Create "availability_locations" table
CREATE TABLE `availability_locations` (`availability_id` integer NOT NULL, `location_id` integer NOT NULL, PRIMARY KEY (`availability_id`, `location_id`), CONSTRAINT `availability_locations_availability_id` FOREIGN KEY (`availability_id`) REFERENCES `availabilities` (`id`) ON DELETE CASCADE, CONSTRAINT `availability_locations_location_id` FOREIGN KEY (`location_id`) REFERENCES `locations` (`id`) ON DELETE CASCADE);
