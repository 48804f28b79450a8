CREATE TABLE "video_uploads" (
	"media_id" uuid PRIMARY KEY NOT NULL,
	"path" text NOT NULL,
	"state" text NOT NULL,
	"job_id" text,
	"blob" jsonb,
	"reason_code" text,
	"reason_params" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "video_uploads_path_check" CHECK (path IN ('video_service', 'direct')),
	CONSTRAINT "video_uploads_state_check" CHECK (state IN ('uploading', 'processing', 'ready', 'failed')),
	CONSTRAINT "video_uploads_reason_code_check" CHECK (reason_code IS NULL OR reason_code IN ('video_upload_limit', 'video_upload_refused', 'video_job_failed')),
	CONSTRAINT "video_uploads_failed_reason_check" CHECK ((state IN ('failed')) = (reason_code IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "media" DROP CONSTRAINT "media_kind_check";--> statement-breakpoint
ALTER TABLE "media" DROP CONSTRAINT "media_reason_code_check";--> statement-breakpoint
ALTER TABLE "posts" DROP CONSTRAINT "posts_last_error_class_check";--> statement-breakpoint
ALTER TABLE "publish_attempts" DROP CONSTRAINT "publish_attempts_error_class_check";--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "duration_ms" integer;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "codec" text;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "captions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "publish_attempts" ADD COLUMN "video_path" text;--> statement-breakpoint
ALTER TABLE "video_uploads" ADD CONSTRAINT "video_uploads_media_id_media_id_fk" FOREIGN KEY ("media_id") REFERENCES "media"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_kind_check" CHECK (kind IN ('image', 'video'));--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_reason_code_check" CHECK (reason_code IS NULL OR reason_code IN ('not_an_image', 'type_mismatch', 'unsupported_type', 'too_many_pixels', 'damaged', 'too_large', 'cannot_fit', 'missing', 'not_a_video', 'unsupported_video_type', 'video_too_long', 'unsupported_codec', 'needs_video_service', 'no_video_track'));--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_last_error_class_check" CHECK (last_error_class IS NULL OR last_error_class IN ('network', 'server', 'rate_limited', 'auth', 'session_ended', 'validation', 'crash', 'video_processing'));--> statement-breakpoint
ALTER TABLE "publish_attempts" ADD CONSTRAINT "publish_attempts_error_class_check" CHECK (error_class IS NULL OR error_class IN ('network', 'server', 'rate_limited', 'auth', 'session_ended', 'validation', 'crash', 'video_processing'));