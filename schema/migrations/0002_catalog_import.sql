ALTER TABLE `products` ADD `list_price_cents` integer;--> statement-breakpoint
ALTER TABLE `products` ADD `availability` text DEFAULT 'in_stock' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `url` text;--> statement-breakpoint
ALTER TABLE `products` ADD `variant_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `hidden_at` integer;