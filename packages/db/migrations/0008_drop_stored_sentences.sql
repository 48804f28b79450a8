ALTER TABLE "notifications" DROP COLUMN "message";--> statement-breakpoint
ALTER TABLE "posts" DROP COLUMN "last_error";--> statement-breakpoint
ALTER TABLE "publish_attempts" DROP COLUMN "message";