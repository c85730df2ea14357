-- Modify "answers" table
ALTER TABLE "answers" ADD COLUMN "version" bigint NOT NULL DEFAULT 1;
