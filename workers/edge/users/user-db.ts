import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type * as schema from "../../../schema/index.ts";

/** Turso through drizzle, from the Worker (web client) or the Node CLI alike. */
export type UsersDb = LibSQLDatabase<typeof schema>;

/** A refusal the caller can act on (bad input, unknown id, taken email), with an HTTP status. */
export class UserError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
