import { eq } from "drizzle-orm";
import { pathToFileURL } from "node:url";
import { users } from "../schema/index.ts";
import { connect } from "./database.ts";
import { UserError, type UsersDb as Db } from "../workers/edge/users/user-db.ts";
import { isRole, ROLES } from "../workers/edge/users/roles.ts";
import {
  createUser,
  disableUser,
  listUsers,
  NewUser,
  setRole,
} from "../workers/edge/users/user-store.ts";

const USAGE = `Usage (Turso from TURSO_URL, default http://127.0.0.1:8080, and TURSO_AUTH_TOKEN):
  npm run users -- add EMAIL --role ${ROLES.join("|")} [--name NAME] [--password-stdin]
      prints a one-time password, or reads the password from stdin with --password-stdin
  npm run users -- list
  npm run users -- role EMAIL ROLE
  npm run users -- disable EMAIL      (also revokes the user's sessions)`;

/** What the CLI touches, injectable so tests run it without a terminal or exit. */
export type UsersIo = {
  env: Record<string, string | undefined>;
  readStdin(): Promise<string>;
  out(line: string): void;
  err(line: string): void;
};

const nodeIo: UsersIo = {
  env: process.env,
  readStdin: async () => {
    let text = "";
    for await (const chunk of process.stdin) text += chunk;
    return text;
  },
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

function parseArgs(args: string[]) {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]!);
    if (!m) positional.push(args[i]!);
    else if (m[1] === "password-stdin") flags[m[1]] = true;
    else flags[m[1]!] = m[2] ?? args[++i] ?? "";
  }
  return { positional, flags };
}

async function userId(db: Db, email: string): Promise<string> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()));
  if (!row) throw new UserError(404, "unknown_user", `email: no user ${email}`);
  return row.id;
}

/** Runs one command; resolves to the process exit code. */
export async function runUsersCli(argv: string[], io: UsersIo = nodeIo): Promise<number> {
  const [command, ...rest] = argv;
  const { positional, flags } = parseArgs(rest);
  const { client, db } = connect({
    url: io.env.TURSO_URL ?? "http://127.0.0.1:8080",
    authToken: io.env.TURSO_AUTH_TOKEN,
  });
  try {
    switch (command) {
      case "add": {
        const [email] = positional;
        if (!email || positional.length > 1 || typeof flags.role !== "string") break;
        const password = flags["password-stdin"]
          ? (await io.readStdin()).replace(/\r?\n$/, "")
          : undefined;
        const parsed = NewUser.safeParse({
          email,
          role: flags.role,
          name: typeof flags.name === "string" ? flags.name : undefined,
          password,
        });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new UserError(400, "invalid_user", `${issue.path.join(".")}: ${issue.message}`);
        }
        const created = await createUser(db, parsed.data);
        io.out(`added ${created.user.email} (${created.user.role}), id ${created.user.id}`);
        if (created.password) io.out(`one-time password: ${created.password}`);
        return 0;
      }
      case "list": {
        for (const u of await listUsers(db))
          io.out(`${u.email}\t${u.role}${u.disabledAt ? "\tdisabled" : ""}\t${u.name}`);
        return 0;
      }
      case "role": {
        const [email, role] = positional;
        if (!email || !role) break;
        if (!isRole(role))
          throw new UserError(400, "invalid_role", `role: must be one of ${ROLES.join(", ")}`);
        const user = await setRole(db, await userId(db, email), role);
        io.out(`${user.email} is now ${user.role}`);
        return 0;
      }
      case "disable": {
        const [email] = positional;
        if (!email) break;
        const user = await disableUser(db, await userId(db, email));
        io.out(`${user.email} is disabled; their sessions are revoked`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof UserError) {
      io.err(`users: ${err.message}`);
      return 1;
    }
    io.err(`users: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    client.close();
  }
  io.err(USAGE);
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runUsersCli(process.argv.slice(2));
}
