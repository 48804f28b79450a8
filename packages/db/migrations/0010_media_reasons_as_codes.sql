ALTER TABLE "media" ADD COLUMN "reason_code" text;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "reason_params" jsonb;--> statement-breakpoint
-- Written by hand: the rejection reasons stored before become catalogue codes with the params their
-- sentences need (the limits of this release), before the new checks apply; an unknown or missing
-- reason of a rejected upload reads as `damaged`, as the API showed it; unknown notes are dropped.
UPDATE "media" SET "reason_code" = CASE WHEN "error" IN ('not_an_image', 'type_mismatch', 'unsupported_type', 'too_many_pixels', 'damaged', 'too_large', 'cannot_fit', 'missing') THEN "error" ELSE 'damaged' END WHERE "state" = 'rejected';--> statement-breakpoint
UPDATE "media" SET "reason_params" = CASE "reason_code"
  WHEN 'unsupported_type' THEN jsonb_build_object('accepted', jsonb_build_array('JPEG', 'PNG', 'WebP', 'GIF', 'AVIF', 'HEIC'))
  WHEN 'too_many_pixels' THEN jsonb_build_object('maxMegapixels', 64)
  WHEN 'too_large' THEN jsonb_strip_nulls(jsonb_build_object('maxBytes', 31457280, 'declaredBytes', "declared_bytes"))
  WHEN 'cannot_fit' THEN jsonb_build_object('maxBytes', 1000000)
  ELSE '{}'::jsonb END WHERE "reason_code" IS NOT NULL;--> statement-breakpoint
UPDATE "media" SET "notes" = ARRAY(SELECT "note" FROM unnest("notes") AS "note" WHERE "note" IN ('gif_first_frame')) WHERE NOT "notes" <@ ARRAY['gif_first_frame']::text[];--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_reason_code_check" CHECK (reason_code IS NULL OR reason_code IN ('not_an_image', 'type_mismatch', 'unsupported_type', 'too_many_pixels', 'damaged', 'too_large', 'cannot_fit', 'missing'));--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_rejected_reason_check" CHECK ((state IN ('rejected')) = (reason_code IS NOT NULL));--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_notes_check" CHECK (notes <@ ARRAY['gif_first_frame']::text[]);