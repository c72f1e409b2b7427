/** The system of record in Turso/libSQL. One file per concern; migrations in ./migrations. */
export * from "./catalog.ts";
export * from "./visitors.ts";
export * from "./events.ts";
export * from "./experiments.ts";
export * from "./operations.ts";
export * from "./users.ts";
