-- Create "answers" table
CREATE TABLE `answers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `question` text NOT NULL, `text` text NOT NULL, `variants` json NULL, `visibility` text NOT NULL DEFAULT ('PUBLIC'), `status` text NOT NULL DEFAULT ('DRAFT'), `keywords` json NULL, `last_reviewed` datetime NOT NULL, `review_interval_days` integer NOT NULL DEFAULT (365), `owner_id` integer NOT NULL, `municipality_id` integer NOT NULL, CONSTRAINT `answers_organizations_owner` FOREIGN KEY (`owner_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `answers_organizations_municipality` FOREIGN KEY (`municipality_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "answers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("answers", 55834574848);
-- Create index "answer_municipality_id_status" to table: "answers"
CREATE INDEX `answer_municipality_id_status` ON `answers` (`municipality_id`, `status`);
-- Create index "answer_owner_id" to table: "answers"
CREATE INDEX `answer_owner_id` ON `answers` (`owner_id`);
-- Create "callback_requests" table
CREATE TABLE `callback_requests` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `question` text NOT NULL, `status` text NOT NULL DEFAULT ('OPEN'), `contact_name` text NULL, `contact` text NULL, `assignee` text NULL, `closed_at` datetime NULL, `requested_by` text NOT NULL, `product_id` integer NOT NULL, `channel_id` integer NOT NULL, `reply_channel_id` integer NOT NULL, `organization_id` integer NOT NULL, `municipality_id` integer NOT NULL, `answer_id` integer NULL, CONSTRAINT `callback_requests_products_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE NO ACTION, CONSTRAINT `callback_requests_channels_channel` FOREIGN KEY (`channel_id`) REFERENCES `channels` (`id`) ON DELETE NO ACTION, CONSTRAINT `callback_requests_channels_reply_channel` FOREIGN KEY (`reply_channel_id`) REFERENCES `channels` (`id`) ON DELETE NO ACTION, CONSTRAINT `callback_requests_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `callback_requests_organizations_municipality` FOREIGN KEY (`municipality_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `callback_requests_answers_answer` FOREIGN KEY (`answer_id`) REFERENCES `answers` (`id`) ON DELETE SET NULL);
-- Set sequence for "callback_requests" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("callback_requests", 60129542144);
-- Create index "callbackrequest_organization_id_status" to table: "callback_requests"
CREATE INDEX `callbackrequest_organization_id_status` ON `callback_requests` (`organization_id`, `status`);
-- Create index "callbackrequest_municipality_id_status" to table: "callback_requests"
CREATE INDEX `callbackrequest_municipality_id_status` ON `callback_requests` (`municipality_id`, `status`);
-- Create "answer_products" table
CREATE TABLE `answer_products` (`answer_id` integer NOT NULL, `product_id` integer NOT NULL, PRIMARY KEY (`answer_id`, `product_id`), CONSTRAINT `answer_products_answer_id` FOREIGN KEY (`answer_id`) REFERENCES `answers` (`id`) ON DELETE CASCADE, CONSTRAINT `answer_products_product_id` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE);
