CREATE TABLE "link_previews" (
	"owner_did" text NOT NULL,
	"url" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"thumb_media_id" uuid,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "link_previews_owner_did_url_pk" PRIMARY KEY("owner_did","url")
);
--> statement-breakpoint
ALTER TABLE "media" DROP CONSTRAINT "media_state_check";--> statement-breakpoint
-- Added by hand: the old state `pending` is now `uploading`.
UPDATE "media" SET "state" = 'uploading' WHERE "state" = 'pending';--> statement-breakpoint
ALTER TABLE "media" ALTER COLUMN "state" SET DEFAULT 'uploading';--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "kind" text DEFAULT 'image' NOT NULL;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "declared_mime" text;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "declared_bytes" integer;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "processed_key" text;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "notes" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "processing_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "link_previews" ADD CONSTRAINT "link_previews_owner_did_accounts_did_fk" FOREIGN KEY ("owner_did") REFERENCES "accounts"("did") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_previews" ADD CONSTRAINT "link_previews_thumb_media_id_media_id_fk" FOREIGN KEY ("thumb_media_id") REFERENCES "media"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_kind_check" CHECK (kind IN ('image'));--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_state_check" CHECK (state IN ('uploading', 'processing', 'ready', 'rejected'));