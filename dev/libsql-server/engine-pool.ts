import { fork, type ChildProcess } from "node:child_process";
import type { CallBody, EngineCall, EngineReply } from "./engine-messages.ts";

/** What every engine's connections are opened with. */
export type EngineSettings = { file: string; busyTimeoutMs: number; fullSync: boolean };

const CHILD = new URL("./engine-child.ts", import.meta.url);
/** How much of a dead engine's last output (the panic message) is kept for its errors. */
const STDERR_TAIL = 2000;

/** An engine that stopped while calls were in flight (it crashed, or was killed). */
export class EngineCrashed extends Error {
  readonly code = "SQLITE_ABORT";
}

/**
 * One engine process (engine-child.ts): asynchronous calls into its connection. If it dies
 * (the `libsql` binding aborts the process when it panics, e.g. on text that is not UTF-8),
 * every call in flight fails with `EngineCrashed` and `onCrash` is told; SQLite rolls back
 * whatever transaction its connection had open.
 */
export class EngineProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, (reply: EngineReply | Error) => void>();
  private nextId = 1;
  private stderr = "";
  private ready = false;
  private stopping = false;
  dead = false;
  /** Set once the process has stopped: how (exit code or signal) and its panic message. */
  exitReason: string | null = null;
  /** Resolves once the process is ready for calls, or has stopped. */
  readonly online: Promise<void>;
  private readonly closed: Promise<void>;
  /** The pool's bookkeeping, told once the process has stopped (for whatever reason). */
  onExit?: (engine: EngineProcess) => void;
  /** The current stream's, told if the process stops without being asked to. */
  onCrash?: (reason: string) => void;

  constructor(settings: EngineSettings) {
    this.child = fork(CHILD, [JSON.stringify(settings)], {
      // Plain Node where it strips types itself (not the parent's loaders or test flags);
      // otherwise the parent's flags, which then load TypeScript (tsx).
      execArgv: (process.features as { typescript?: unknown }).typescript
        ? ["--disable-warning=ExperimentalWarning"]
        : process.execArgv,
      // JSON is cheaper than "advanced" for large results; see engine-child.ts for Infinity.
      serialization: "json",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.child.stderr!.setEncoding("utf8");
    this.child.stderr!.on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    // The HTTP server keeps the process alive; idle engines must not (see call()).
    this.unref();
    let online!: () => void;
    this.online = new Promise((resolve) => (online = resolve));
    const outputEnded = new Promise((resolve) => this.child.stderr!.once("close", resolve));
    this.closed = new Promise((resolve) => {
      // Its last output (the panic message) may arrive just after the exit. ("close" is not
      // used: it never comes after disconnect().)
      this.child.once("exit", (code, signal) => {
        const how = signal ? `killed by ${signal}` : `exit code ${code}`;
        const wait = setTimeout(() => this.child.stderr!.destroy(), 200);
        void outputEnded.then(() => {
          clearTimeout(wait);
          this.stopped(how);
          online();
          resolve();
        });
      });
    });
    this.child.on("message", (message: EngineReply | { ready: true } | { json: string }) => {
      if ("ready" in message) {
        this.ready = true;
        return online();
      }
      const reply = "json" in message ? (JSON.parse(message.json) as EngineReply) : message;
      const done = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.unref();
      done?.(reply);
    });
    this.child.on("error", () => {
      if (this.child.pid === undefined) {
        // Never started (e.g. out of processes): there is no "close" to wait for.
        this.stopped("could not start");
        online();
      } else this.child.kill("SIGKILL");
    });
  }

  private stopped(how: string): void {
    if (this.exitReason !== null) return;
    this.dead = true;
    const panic = /panicked at[^\n]*\n([^\n]+)/.exec(this.stderr)?.[1]?.trim();
    this.exitReason = how + (panic ? `: ${panic}` : "");
    const crash = new EngineCrashed(`the database engine process stopped (${this.exitReason})`);
    for (const done of this.pending.values()) done(crash);
    this.pending.clear();
    if (!this.stopping && this.ready) this.onCrash?.(this.exitReason);
    this.onExit?.(this);
  }

  private unref(): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | null | undefined)?.unref?.();
    (this.child.stderr as { unref?: () => void } | null)?.unref?.();
  }

  call(body: CallBody): Promise<EngineReply> {
    if (this.dead)
      return Promise.reject(
        new EngineCrashed(`the database engine process stopped (${this.exitReason ?? "stopping"})`),
      );
    const id = this.nextId++;
    if (this.pending.size === 0) {
      // A call in flight keeps the server's process alive until it is answered.
      this.child.ref();
      (this.child.channel as { ref?: () => void } | null | undefined)?.ref?.();
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => (reply instanceof Error ? reject(reply) : resolve(reply)));
      try {
        this.child.send({ ...body, id } as EngineCall);
      } catch {
        // The process is going away; its exit fails this call.
      }
    });
  }

  /**
   * Stops the process and waits until it has: asked to exit (it closes its connection), and
   * killed if it has not within a second.
   */
  async terminate(): Promise<void> {
    this.stopping = true;
    this.dead = true;
    if (this.exitReason === null) {
      this.child.ref();
      if (this.child.connected) this.child.disconnect();
      else this.child.kill("SIGKILL");
      const kill = setTimeout(() => this.child.kill("SIGKILL"), 1000);
      await this.closed;
      clearTimeout(kill);
    }
  }
}

/**
 * Engine processes for streams: each open stream has one to itself, so a slow statement or a
 * writer waiting for the lock never holds up another stream, and an engine that crashes takes
 * only its own stream with it. Processes are reused (each stream still gets a fresh
 * connection). Starting one takes ~100 ms, so a new stream first waits briefly for an
 * engine to come free (most streams last one request); only then are engines started, two at
 * a time at most, up to `maxEngines`. Waiting streams are served in arrival order. An engine
 * that dies is replaced, so the pool keeps the number it was warmed with.
 */
export class EnginePool {
  private readonly idle: EngineProcess[] = [];
  private readonly all = new Set<EngineProcess>();
  private readonly waiting: { resolve: (e: EngineProcess) => void; reject: (e: Error) => void }[] =
    [];
  private live = 0;
  private booting = 0;
  private warmCount = 0;
  /** Engines in a row that died before they were ready. */
  private bootFailures = 0;
  private spawnTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly settings: EngineSettings,
    private readonly maxEngines = 64,
    private readonly keepIdle = 16,
    private readonly spawnAfterMs = 30,
    private readonly maxBooting = 2,
  ) {}

  /** Starts an engine; once it runs it serves the longest-waiting stream or goes idle. */
  private spawn(): void {
    this.live++;
    this.booting++;
    const engine = new EngineProcess(this.settings);
    this.all.add(engine);
    engine.onExit = () => {
      this.all.delete(engine);
      const at = this.idle.indexOf(engine);
      if (at < 0) return;
      // An idle engine was killed from outside: forget it and start another.
      this.idle.splice(at, 1);
      this.live--;
      this.topUp();
    };
    void engine.online.then(() => {
      this.booting--;
      if (this.closed || engine.dead) {
        this.live--;
        void engine.terminate();
        // Replaced, unless more engines than the pool keeps have died in a row as they start:
        // then the longest-waiting stream is told why (others keep trying as they arrive).
        if (++this.bootFailures <= this.warmCount) this.topUp();
        else
          this.waiting
            .shift()
            ?.reject(new Error(`the database engine could not start (${engine.exitReason})`));
      } else {
        this.bootFailures = 0;
        if (!this.handOver(engine)) this.idle.push(engine);
      }
      this.scheduleSpawn();
    });
  }

  private scheduleSpawn(): void {
    if (this.spawnTimer || !this.waiting.length || this.closed) return;
    this.spawnTimer = setTimeout(() => {
      this.spawnTimer = undefined;
      let wanted = this.waiting.length - this.booting;
      while (wanted-- > 0 && this.booting < this.maxBooting && this.live < this.maxEngines)
        this.spawn();
    }, this.spawnAfterMs);
  }

  /** Starts engines ahead of the first requests; as many are kept running from then on. */
  warm(n: number): void {
    this.warmCount = Math.max(this.warmCount, n);
    this.topUp();
  }

  private topUp(): void {
    while (!this.closed && this.live < Math.min(this.warmCount, this.maxEngines)) this.spawn();
  }

  acquire(): Promise<EngineProcess> {
    if (this.closed) return Promise.reject(new Error("server is shutting down"));
    for (let e = this.idle.pop(); e; e = this.idle.pop()) {
      if (!e.dead) return Promise.resolve(e);
      this.live--;
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.scheduleSpawn();
    });
  }

  private handOver(engine: EngineProcess): boolean {
    const next = this.waiting.shift();
    next?.resolve(engine);
    return next !== undefined;
  }

  /** Ends a stream on its engine (rollback, close the connection) and frees the engine. */
  async release(engine: EngineProcess): Promise<void> {
    engine.onCrash = undefined;
    await engine.call({ op: "reset" }).catch(() => engine.terminate());
    if (engine.dead || this.closed) {
      this.live--;
      if (!engine.dead) await engine.terminate();
      // A crashed engine is replaced at once, so the next stream finds one ready.
      this.topUp();
      this.scheduleSpawn();
      return;
    }
    if (this.handOver(engine)) return;
    if (this.idle.length < this.keepIdle) this.idle.push(engine);
    else {
      this.live--;
      await engine.terminate();
    }
  }

  /** Closes every engine's connection, then stops the engines. */
  async closeAll(): Promise<void> {
    this.closed = true;
    clearTimeout(this.spawnTimer);
    for (const w of this.waiting.splice(0)) w.reject(new Error("server is shutting down"));
    this.idle.length = 0;
    await Promise.all(
      [...this.all].map(async (e) => {
        await e.call({ op: "close" }).catch(() => undefined);
        await e.terminate();
      }),
    );
    this.all.clear();
  }
}
