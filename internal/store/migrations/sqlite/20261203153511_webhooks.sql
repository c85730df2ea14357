-- Create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `event_id` integer NOT NULL, `idempotency_key` text NOT NULL, `payload` json NOT NULL, `state` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `next_attempt_at` datetime NOT NULL, `lease_until` datetime NULL, `lease_token` text NULL, `last_error` text NULL, `last_status` integer NULL, `delivered_at` datetime NULL, `created_at` datetime NOT NULL, `subscription_id` integer NOT NULL, CONSTRAINT `webhook_deliveries_webhook_subscriptions_deliveries` FOREIGN KEY (`subscription_id`) REFERENCES `webhook_subscriptions` (`id`) ON DELETE CASCADE);
-- Set sequence for "webhook_deliveries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_deliveries", 73014444032);
-- Create index "webhookdelivery_subscription_id_idempotency_key" to table: "webhook_deliveries"
CREATE UNIQUE INDEX `webhookdelivery_subscription_id_idempotency_key` ON `webhook_deliveries` (`subscription_id`, `idempotency_key`);
-- Create index "webhookdelivery_state_next_attempt_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_state_next_attempt_at` ON `webhook_deliveries` (`state`, `next_attempt_at`);
-- Create index "webhookdelivery_subscription_id_state" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_subscription_id_state` ON `webhook_deliveries` (`subscription_id`, `state`);
-- Create "webhook_subscriptions" table
CREATE TABLE `webhook_subscriptions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `url` text NOT NULL, `secret` text NOT NULL, `kinds` json NULL, `active` bool NOT NULL DEFAULT (true), `created_by` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `municipality_id` integer NOT NULL, CONSTRAINT `webhook_subscriptions_organizations_municipality` FOREIGN KEY (`municipality_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "webhook_subscriptions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_subscriptions", 77309411328);
-- Create index "webhooksubscription_municipality_id_active" to table: "webhook_subscriptions"
CREATE INDEX `webhooksubscription_municipality_id_active` ON `webhook_subscriptions` (`municipality_id`, `active`);
