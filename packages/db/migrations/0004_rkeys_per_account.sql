DROP INDEX "post_items_rkey_idx";--> statement-breakpoint
ALTER TABLE "post_items" ADD COLUMN "owner_did" text;--> statement-breakpoint
-- Existing items take their post's owner (written by hand: drizzle-kit would add the column NOT NULL at once).
UPDATE "post_items" SET "owner_did" = "posts"."owner_did" FROM "posts" WHERE "posts"."id" = "post_items"."post_id";--> statement-breakpoint
ALTER TABLE "post_items" ALTER COLUMN "owner_did" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "post_items_owner_rkey_idx" ON "post_items" USING btree ("owner_did","rkey") WHERE rkey IS NOT NULL;
