CREATE TABLE "account_settings" (
	"did" text PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check";--> statement-breakpoint
ALTER TABLE "posts" DROP CONSTRAINT "posts_scheduled_at_check";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "read_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "dismissed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "last_error_code" text;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "last_error_params" jsonb;--> statement-breakpoint
ALTER TABLE "publish_attempts" ADD COLUMN "reason_code" text;--> statement-breakpoint
ALTER TABLE "publish_attempts" ADD COLUMN "reason_params" jsonb;--> statement-breakpoint
-- Written by hand: sentences stored before the message catalogue become codes, before the new checks apply.
-- A session's end and the posts it held map to their session codes (both languages); any other stored sentence is kept as `legacy_message`.
UPDATE "posts" SET "last_error_code" = 'legacy_message', "last_error_params" = jsonb_build_object('text', "last_error") WHERE "last_error" IS NOT NULL;--> statement-breakpoint
UPDATE "posts" SET "last_error_params" = '{}'::jsonb, "last_error_code" = CASE
  WHEN "last_error" LIKE 'You logged out%' THEN 'logged_out'
  WHEN "last_error" LIKE '%expired%' THEN 'session_expired'
  WHEN "last_error" LIKE '%revoked%' THEN 'session_revoked'
  ELSE 'session_unusable' END WHERE "last_error" IS NOT NULL AND "last_error_class" = 'session_ended';--> statement-breakpoint
UPDATE "publish_attempts" SET "reason_code" = 'legacy_message', "reason_params" = jsonb_build_object('text', "message") WHERE "message" IS NOT NULL;--> statement-breakpoint
UPDATE "publish_attempts" SET "outcome" = NULL WHERE "outcome" NOT IN ('published', 'already_published', 'retrying', 'failed', 'blocked', 'missed', 'abandoned');--> statement-breakpoint
UPDATE "publish_attempts" SET "error_class" = NULL WHERE "error_class" NOT IN ('network', 'server', 'rate_limited', 'auth', 'session_ended', 'validation', 'crash');--> statement-breakpoint
UPDATE "posts" SET "last_error_class" = NULL WHERE "last_error_class" NOT IN ('network', 'server', 'rate_limited', 'auth', 'session_ended', 'validation', 'crash');--> statement-breakpoint
UPDATE "oauth_sessions" SET "end_reason" = CASE
  WHEN "end_reason" LIKE 'You logged out%' THEN 'logged_out'
  WHEN "end_reason" LIKE '%expired%' THEN 'session_expired'
  WHEN "end_reason" LIKE '%revoked%' THEN 'session_revoked'
  ELSE 'session_unusable' END WHERE "end_reason" IS NOT NULL;--> statement-breakpoint
UPDATE "notifications" SET "details" = "details" || jsonb_build_object('reason', CASE "details"->>'state'
  WHEN 'logged_out' THEN 'logged_out' WHEN 'revoked' THEN 'session_revoked' ELSE 'session_expired' END) WHERE "kind" = 'session_ended';--> statement-breakpoint
ALTER TABLE "account_settings" ADD CONSTRAINT "account_settings_did_accounts_did_fk" FOREIGN KEY ("did") REFERENCES "accounts"("did") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK (kind IN ('session_ended', 'session_ends_soon', 'posts_resumed', 'post_failed', 'post_missed', 'post_blocked'));--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_last_error_class_check" CHECK (last_error_class IS NULL OR last_error_class IN ('network', 'server', 'rate_limited', 'auth', 'session_ended', 'validation', 'crash'));--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_scheduled_at_check" CHECK (status IN ('draft', 'cancelled') OR scheduled_at IS NOT NULL);--> statement-breakpoint
ALTER TABLE "publish_attempts" ADD CONSTRAINT "publish_attempts_outcome_check" CHECK (outcome IS NULL OR outcome IN ('published', 'already_published', 'retrying', 'failed', 'blocked', 'missed', 'abandoned'));--> statement-breakpoint
ALTER TABLE "publish_attempts" ADD CONSTRAINT "publish_attempts_error_class_check" CHECK (error_class IS NULL OR error_class IN ('network', 'server', 'rate_limited', 'auth', 'session_ended', 'validation', 'crash'));