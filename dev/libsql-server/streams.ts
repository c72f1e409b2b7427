import { randomBytes } from "node:crypto";
import { Connection } from "./connection.ts";
import { RequestError } from "./protocol.ts";

type Stream = { conn: Connection; baton: string; timer: NodeJS.Timeout };

/**
 * Hrana streams over HTTP: a stream lives across requests through a baton that changes on
 * every response (so a replayed or stale baton is rejected). Idle streams are rolled back and
 * their connection returns to a small pool, as sqld does after its stream timeout.
 */
export class StreamRegistry {
  private readonly byBaton = new Map<string, Stream>();
  private readonly idle: Connection[] = [];
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly idleMs = 10_000,
    private readonly poolSize = 8,
  ) {}

  /** The stream a request continues (its baton) or a new one (no baton). */
  open(baton: string | null | undefined): Connection {
    if (this.closed) throw new RequestError("server is shutting down");
    if (baton === null || baton === undefined) return this.idle.pop() ?? new Connection(this.file);
    const stream = this.byBaton.get(baton);
    if (!stream) throw new RequestError("invalid or expired baton");
    this.byBaton.delete(baton);
    clearTimeout(stream.timer);
    return stream.conn;
  }

  /** Keeps the stream open for the next request and returns its new baton. */
  keep(conn: Connection): string {
    const baton = randomBytes(24).toString("base64url");
    const timer = setTimeout(() => {
      this.byBaton.delete(baton);
      this.release(conn);
    }, this.idleMs);
    timer.unref();
    this.byBaton.set(baton, { conn, baton, timer });
    return baton;
  }

  /** Ends a stream: its transaction is rolled back and the connection reused or closed. */
  release(conn: Connection): void {
    try {
      conn.reset();
    } catch {
      conn.close();
      return;
    }
    if (!this.closed && this.idle.length < this.poolSize) this.idle.push(conn);
    else conn.close();
  }

  get openStreams(): number {
    return this.byBaton.size;
  }

  closeAll(): void {
    this.closed = true;
    for (const stream of this.byBaton.values()) {
      clearTimeout(stream.timer);
      this.release(stream.conn);
    }
    this.byBaton.clear();
    for (const conn of this.idle.splice(0)) conn.close();
  }
}
