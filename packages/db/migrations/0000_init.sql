CREATE TABLE "accounts" (
	"did" text PRIMARY KEY NOT NULL,
	"handle" text NOT NULL,
	"pds_url" text NOT NULL,
	"display_name" text,
	"avatar_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_did" text NOT NULL,
	"s3_key" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"mime" text,
	"bytes" integer,
	"width" integer,
	"height" integer,
	"alt" text DEFAULT '' NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_state_check" CHECK (state IN ('pending', 'ready', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "oauth_sessions" (
	"did" text PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"ciphertext" "bytea" NOT NULL,
	"encrypted_data_key" "bytea" NOT NULL,
	"key_id" text NOT NULL,
	"access_expires_at" timestamp with time zone,
	"last_refresh_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oauth_sessions_state_check" CHECK (state IN ('active', 'refreshing', 'expired', 'revoked'))
);
--> statement-breakpoint
CREATE TABLE "post_items" (
	"post_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"facets" jsonb,
	"embed" jsonb,
	"langs" text[] DEFAULT '{}'::text[] NOT NULL,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"rkey" text,
	"uri" text,
	"cid" text,
	CONSTRAINT "post_items_post_id_position_pk" PRIMARY KEY("post_id","position"),
	CONSTRAINT "post_items_position_check" CHECK (position >= 0)
);
--> statement-breakpoint
CREATE TABLE "posts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_did" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"scheduled_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"late_policy" text DEFAULT 'skip' NOT NULL,
	"late_grace_seconds" integer DEFAULT 900 NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_error_class" text,
	"version" integer DEFAULT 1 NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "posts_status_check" CHECK (status IN ('draft', 'scheduled', 'queued', 'publishing', 'published', 'retrying', 'failed', 'cancelled', 'missed', 'blocked')),
	CONSTRAINT "posts_late_policy_check" CHECK (late_policy IN ('publish', 'skip')),
	CONSTRAINT "posts_scheduled_at_check" CHECK (status = 'draft' OR scheduled_at IS NOT NULL),
	CONSTRAINT "posts_attempts_check" CHECK (attempts >= 0)
);
--> statement-breakpoint
CREATE TABLE "publish_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"post_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text,
	"error_class" text,
	"message" text,
	"latency_ms" integer
);
--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_owner_did_accounts_did_fk" FOREIGN KEY ("owner_did") REFERENCES "accounts"("did") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_sessions" ADD CONSTRAINT "oauth_sessions_did_accounts_did_fk" FOREIGN KEY ("did") REFERENCES "accounts"("did") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_items" ADD CONSTRAINT "post_items_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_owner_did_accounts_did_fk" FOREIGN KEY ("owner_did") REFERENCES "accounts"("did") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publish_attempts" ADD CONSTRAINT "publish_attempts_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "media_s3_key_idx" ON "media" USING btree ("s3_key");--> statement-breakpoint
CREATE INDEX "media_owner_idx" ON "media" USING btree ("owner_did","created_at");--> statement-breakpoint
CREATE INDEX "oauth_sessions_access_expiry_idx" ON "oauth_sessions" USING btree ("access_expires_at") WHERE state = 'active';--> statement-breakpoint
CREATE INDEX "posts_due_idx" ON "posts" USING btree ("next_attempt_at") WHERE status IN ('scheduled', 'retrying');--> statement-breakpoint
CREATE INDEX "posts_in_flight_idx" ON "posts" USING btree ("updated_at") WHERE status IN ('queued', 'publishing');--> statement-breakpoint
CREATE INDEX "posts_owner_scheduled_idx" ON "posts" USING btree ("owner_did","scheduled_at","id");--> statement-breakpoint
CREATE INDEX "publish_attempts_post_idx" ON "publish_attempts" USING btree ("post_id","started_at");