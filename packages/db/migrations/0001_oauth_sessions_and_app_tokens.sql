CREATE TABLE "app_refresh_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"did" text NOT NULL,
	"token_hash" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "oauth_sessions" ALTER COLUMN "ciphertext" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "oauth_sessions" ALTER COLUMN "encrypted_data_key" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "oauth_sessions" ALTER COLUMN "key_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "oauth_sessions" ADD COLUMN "client_id" text NOT NULL;--> statement-breakpoint
ALTER TABLE "oauth_sessions" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "oauth_sessions" ADD COLUMN "end_reason" text;--> statement-breakpoint
ALTER TABLE "app_refresh_tokens" ADD CONSTRAINT "app_refresh_tokens_did_accounts_did_fk" FOREIGN KEY ("did") REFERENCES "accounts"("did") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "app_refresh_tokens_hash_idx" ON "app_refresh_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "app_refresh_tokens_family_idx" ON "app_refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "app_refresh_tokens_did_idx" ON "app_refresh_tokens" USING btree ("did");--> statement-breakpoint
ALTER TABLE "oauth_sessions" ADD CONSTRAINT "oauth_sessions_secret_check" CHECK (state NOT IN ('active', 'refreshing') OR (ciphertext IS NOT NULL AND encrypted_data_key IS NOT NULL AND key_id IS NOT NULL));