import { Worker } from "node:worker_threads";
import type { CallBody, EngineCall, EngineReply } from "./engine-messages.ts";

/** What every engine thread's connections are opened with. */
export type EngineSettings = { file: string; busyTimeoutMs: number; fullSync: boolean };

/** One engine thread (engine-worker.ts): asynchronous calls into its connection. */
export class EngineThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (reply: EngineReply | Error) => void>();
  private nextId = 1;
  dead = false;
  /** Resolves once the thread runs (calls made before then are queued). */
  readonly online: Promise<void>;

  constructor(settings: EngineSettings) {
    this.worker = new Worker(new URL("./engine-worker.ts", import.meta.url), {
      workerData: settings,
    });
    // The HTTP server keeps the process alive; idle engine threads must not.
    this.worker.unref();
    this.online = new Promise((resolve) => {
      this.worker.once("online", () => resolve());
      this.worker.once("exit", () => resolve());
    });
    this.worker.on("message", (reply: EngineReply) => {
      const done = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      done?.(reply);
    });
    const stop = (err: unknown) => {
      this.dead = true;
      const reason = new Error(`engine thread stopped: ${String((err as Error)?.message ?? err)}`);
      for (const done of this.pending.values()) done(reason);
      this.pending.clear();
    };
    this.worker.on("error", stop);
    this.worker.on("exit", (code) => {
      stop(`exit code ${code}`);
      this.onTerminated?.();
    });
  }

  call(body: CallBody): Promise<EngineReply> {
    if (this.dead) return Promise.reject(new Error("engine thread stopped"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => (reply instanceof Error ? reject(reply) : resolve(reply)));
      this.worker.postMessage({ ...body, id } as EngineCall);
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }

  /** Called once the thread has stopped. */
  onTerminated?: () => void;
}

/**
 * Engine threads for streams: each open stream has one to itself, so a slow statement or a
 * writer waiting for the lock never holds up another stream. Threads are reused (each stream
 * still gets a fresh connection). Starting a thread costs ~50 ms of CPU, so a new stream first
 * waits briefly for a thread to come free (most streams last one request); only then are
 * threads started, two at a time at most, up to `maxThreads`. Waiting streams are served in
 * arrival order.
 */
export class EnginePool {
  private readonly idle: EngineThread[] = [];
  private readonly all = new Set<EngineThread>();
  private readonly waiting: ((t: EngineThread) => void)[] = [];
  private live = 0;
  private booting = 0;
  private spawnTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly settings: EngineSettings,
    private readonly maxThreads = 64,
    private readonly keepIdle = 16,
    private readonly spawnAfterMs = 30,
    private readonly maxBooting = 2,
  ) {}

  /** Starts a thread; once it runs it serves the longest-waiting stream or goes idle. */
  private spawn(): void {
    this.live++;
    this.booting++;
    const thread = new EngineThread(this.settings);
    this.all.add(thread);
    thread.onTerminated = () => this.all.delete(thread);
    void thread.online.then(() => {
      this.booting--;
      if (this.closed || thread.dead) {
        this.live--;
        void thread.terminate();
      } else if (!this.handOver(thread)) this.idle.push(thread);
      this.scheduleSpawn();
    });
  }

  private scheduleSpawn(): void {
    if (this.spawnTimer || !this.waiting.length || this.closed) return;
    this.spawnTimer = setTimeout(() => {
      this.spawnTimer = undefined;
      let wanted = this.waiting.length - this.booting;
      while (wanted-- > 0 && this.booting < this.maxBooting && this.live < this.maxThreads)
        this.spawn();
    }, this.spawnAfterMs);
  }

  /** Starts threads ahead of the first requests. */
  warm(n: number): void {
    while (n-- > 0 && this.live < this.maxThreads) this.spawn();
  }

  acquire(): Promise<EngineThread> {
    if (this.closed) return Promise.reject(new Error("server is shutting down"));
    for (let t = this.idle.pop(); t; t = this.idle.pop()) {
      if (!t.dead) return Promise.resolve(t);
      this.live--;
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.scheduleSpawn();
    });
  }

  private handOver(thread: EngineThread): boolean {
    const next = this.waiting.shift();
    next?.(thread);
    return next !== undefined;
  }

  /** Ends a stream on its thread (rollback, close the connection) and frees the thread. */
  async release(thread: EngineThread): Promise<void> {
    await thread.call({ op: "reset" }).catch(() => thread.terminate());
    if (thread.dead || this.closed) {
      this.live--;
      if (!thread.dead) await thread.terminate();
      this.scheduleSpawn();
      return;
    }
    if (this.handOver(thread)) return;
    if (this.idle.length < this.keepIdle) this.idle.push(thread);
    else {
      this.live--;
      await thread.terminate();
    }
  }

  /** Closes every thread's connection, then stops the threads. */
  async closeAll(): Promise<void> {
    this.closed = true;
    clearTimeout(this.spawnTimer);
    this.waiting.length = 0;
    this.idle.length = 0;
    await Promise.all(
      [...this.all].map(async (t) => {
        await t.call({ op: "close" }).catch(() => undefined);
        await t.terminate();
      }),
    );
    this.all.clear();
  }
}
