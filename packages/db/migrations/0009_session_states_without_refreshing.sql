ALTER TABLE "oauth_sessions" DROP CONSTRAINT "oauth_sessions_state_check";--> statement-breakpoint
ALTER TABLE "oauth_sessions" DROP CONSTRAINT "oauth_sessions_secret_check";--> statement-breakpoint
DROP INDEX "oauth_sessions_access_expiry_idx";--> statement-breakpoint
-- Written by hand: `refreshing` is gone; a session left in it by a failed refresh is simply live again.
UPDATE "oauth_sessions" SET "state" = 'active' WHERE "state" = 'refreshing';--> statement-breakpoint
CREATE INDEX "oauth_sessions_access_expiry_idx" ON "oauth_sessions" USING btree ("access_expires_at") WHERE state IN ('active');--> statement-breakpoint
ALTER TABLE "oauth_sessions" ADD CONSTRAINT "oauth_sessions_state_check" CHECK (state IN ('active', 'expired', 'revoked'));--> statement-breakpoint
ALTER TABLE "oauth_sessions" ADD CONSTRAINT "oauth_sessions_secret_check" CHECK (NOT (state IN ('active')) OR (ciphertext IS NOT NULL AND encrypted_data_key IS NOT NULL AND key_id IS NOT NULL));