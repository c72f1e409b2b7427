/**
 * The server's single write lock: like sqld, writers are serialized in arrival order. A stream
 * takes it for its first writing statement and keeps it until its connection is back in
 * autocommit (its transaction ended). Waiters queue FIFO; past `timeoutMs` a waiter gets
 * SQLITE_BUSY. Readers never take it (WAL lets them read alongside the writer).
 */
export class WriteLock {
  private holder: object | null = null;
  private readonly queue: { owner: object; grant: () => void }[] = [];

  constructor(private readonly timeoutMs: number) {}

  acquire(owner: object): Promise<void> {
    if (this.holder === owner) return Promise.resolve();
    if (this.holder === null) {
      this.holder = owner;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        owner,
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(entry), 1);
        reject(
          Object.assign(
            new Error(`database is locked: waited ${this.timeoutMs} ms for the write lock`),
            { code: "SQLITE_BUSY" },
          ),
        );
      }, this.timeoutMs);
      this.queue.push(entry);
    });
  }

  holds(owner: object): boolean {
    return this.holder === owner;
  }

  release(owner: object): void {
    if (this.holder !== owner) return;
    const next = this.queue.shift();
    this.holder = next?.owner ?? null;
    next?.grant();
  }
}
