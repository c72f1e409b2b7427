import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../schema/index.ts";
import { verifyPassword } from "../workers/edge/users/passwords.ts";
import { applyMigrations, connect } from "./database.ts";
import { startLibsqlServer } from "./libsql-server/server.ts";
import { runUsersCli, type UsersIo } from "./users-cli.ts";

let server: Awaited<ReturnType<typeof startLibsqlServer>>;
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vitrine-users-"));
  server = await startLibsqlServer({ file: join(dir, "users.db"), port: 0 });
  await applyMigrations({ url: server.url });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  const io: UsersIo = {
    env: { TURSO_URL: server.url },
    readStdin: async () => stdin,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  return { code: await runUsersCli(argv, io), out: out.join("\n"), err: err.join("\n") };
}

async function stored(email: string) {
  const { client, db } = connect({ url: server.url });
  try {
    return (await db.select().from(users).where(eq(users.email, email)))[0];
  } finally {
    client.close();
  }
}

describe("npm run users", () => {
  it("adds a user with a printed one-time password that verifies against the stored hash", async () => {
    const res = await run(["add", "Ed@Shop.example", "--role", "editor", "--name", "Ed"]);
    expect(res.code).toBe(0);
    const password = /one-time password: (\S+)/.exec(res.out)?.[1];
    expect(password).toBeDefined();
    const row = await stored("ed@shop.example");
    expect(row).toMatchObject({ name: "Ed", role: "editor", disabledAt: null });
    expect(row!.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(row!.passwordHash).not.toContain(password!);
    expect(await verifyPassword(password!, row!.passwordHash)).toBe(true);
    expect(await verifyPassword(`${password}x`, row!.passwordHash)).toBe(false);
  });

  it("reads the password from stdin and prints none", async () => {
    const res = await run(
      ["add", "pub@shop.example", "--role", "publisher", "--password-stdin"],
      "a long enough secret\n",
    );
    expect(res.code).toBe(0);
    expect(res.out).not.toMatch(/password/);
    const row = await stored("pub@shop.example");
    expect(await verifyPassword("a long enough secret", row!.passwordHash)).toBe(true);
  });

  it("names the field on bad input and never overwrites an existing user", async () => {
    const role = await run(["add", "x@shop.example", "--role", "owner"]);
    expect(role.code).toBe(1);
    expect(role.err).toMatch(/^users: role: must be one of viewer, editor, publisher, admin/);
    const email = await run(["add", "not-an-email", "--role", "viewer"]);
    expect(email.err).toMatch(/users: email: must be an email address/);
    const short = await run(
      ["add", "y@shop.example", "--role", "viewer", "--password-stdin"],
      "short",
    );
    expect(short.err).toMatch(/password: must be at least 12 characters/);
    const before = await stored("ed@shop.example");
    const again = await run(["add", "ed@shop.example", "--role", "admin"]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/email: ed@shop.example already has a user/);
    expect(await stored("ed@shop.example")).toEqual(before);
    expect((await run(["add", "--role", "viewer"])).code).toBe(2);
  });

  it("changes a role, disables and lists", async () => {
    expect((await run(["role", "ed@shop.example", "publisher"])).out).toMatch(/now publisher/);
    expect((await run(["disable", "ed@shop.example"])).code).toBe(0);
    expect((await stored("ed@shop.example"))!.disabledAt).toEqual(expect.any(Number));
    const list = await run(["list"]);
    expect(list.out).toMatch(/ed@shop.example\tpublisher\tdisabled/);
    expect((await run(["disable", "nobody@shop.example"])).err).toMatch(/email: no user/);
  });
});
