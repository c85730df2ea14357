-- Add column "keywords" to table: "products"
ALTER TABLE `products` ADD COLUMN `keywords` json NULL;
