-- Modify "products" table
ALTER TABLE "products" ADD COLUMN "keywords" jsonb NULL;
