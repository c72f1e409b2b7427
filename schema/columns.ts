import { integer, text } from "drizzle-orm/sqlite-core";

/** Epoch milliseconds: plain numbers travel cheaply through Workers, KV and JSON. */
export const epochMs = (name: string) => integer(name, { mode: "number" });

/** JSON stored as text; typed at the edges by zod, opaque to SQL. */
export const jsonText = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

/** Money in minor units (cents) so sums never drift. */
export const cents = (name: string) => integer(name, { mode: "number" });
