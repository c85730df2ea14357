-- Add column "published_not_ready" to table: "products"
ALTER TABLE `products` ADD COLUMN `published_not_ready` json NULL;
-- Create "resident_tests" table
CREATE TABLE `resident_tests` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `tested_on` datetime NOT NULL, `method` text NOT NULL, `participants` integer NOT NULL, `groups` json NULL, `findings` text NULL, `follow_ups` json NULL, `product_id` integer NOT NULL, `channel_id` integer NULL, CONSTRAINT `resident_tests_products_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE NO ACTION, CONSTRAINT `resident_tests_channels_channel` FOREIGN KEY (`channel_id`) REFERENCES `channels` (`id`) ON DELETE SET NULL);
-- Set sequence for "resident_tests" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("resident_tests", 81604378624);
-- Create index "residenttest_product_id_tested_on" to table: "resident_tests"
CREATE INDEX `residenttest_product_id_tested_on` ON `resident_tests` (`product_id`, `tested_on`);
