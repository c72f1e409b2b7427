CREATE TABLE `item_pairs` (
	`item_a` text NOT NULL,
	`item_b` text NOT NULL,
	`view` real DEFAULT 0 NOT NULL,
	`cart` real DEFAULT 0 NOT NULL,
	`buy` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`item_a`, `item_b`)
);
--> statement-breakpoint
CREATE TABLE `item_stats` (
	`item_id` text PRIMARY KEY NOT NULL,
	`view` real DEFAULT 0 NOT NULL,
	`cart` real DEFAULT 0 NOT NULL,
	`buy` real DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `segments` (
	`subject_id` text PRIMARY KEY NOT NULL,
	`subject_kind` text NOT NULL,
	`recency` integer NOT NULL,
	`frequency` integer NOT NULL,
	`monetary` integer NOT NULL,
	`value_tier` text NOT NULL,
	`lifecycle` text NOT NULL,
	`gift_buyer` integer DEFAULT false NOT NULL,
	`orders` integer NOT NULL,
	`spent_cents` integer NOT NULL,
	`last_order_at` integer NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `segments_tier_idx` ON `segments` (`value_tier`,`lifecycle`);