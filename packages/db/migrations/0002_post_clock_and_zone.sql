ALTER TABLE "posts" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "clock_id" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "post_items_rkey_idx" ON "post_items" USING btree ("rkey") WHERE rkey IS NOT NULL;