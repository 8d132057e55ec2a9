/** What the vault keeps per company. The grant is sealed (token-crypto); the vault never sees it in clear. */
export interface VaultRecord {
  sealedGrant: string | null;
  /** Set when the grant stopped working and a person must reconnect; work waits meanwhile. */
  needsReconnect: { reason: string; at: string } | null;
}

/**
 * The port the token manager needs from the store. `withRefreshLock` must make one refresh happen
 * at a time per company across every process (the store holds a lock row); the in-memory vault
 * below does it within one process.
 */
export interface TokenVault {
  load(companyId: string): Promise<VaultRecord | undefined>;
  save(companyId: string, record: VaultRecord): Promise<void>;
  remove(companyId: string): Promise<void>;
  withRefreshLock<T>(companyId: string, fn: () => Promise<T>): Promise<T>;
}

/** For tests and embedded single-process use. */
export class InMemoryTokenVault implements TokenVault {
  private readonly records = new Map<string, VaultRecord>();
  private readonly locks = new Map<string, Promise<unknown>>();

  async load(companyId: string): Promise<VaultRecord | undefined> {
    const r = this.records.get(companyId);
    return r === undefined ? undefined : structuredClone(r);
  }

  async save(companyId: string, record: VaultRecord): Promise<void> {
    this.records.set(companyId, structuredClone(record));
  }

  async remove(companyId: string): Promise<void> {
    this.records.delete(companyId);
  }

  withRefreshLock<T>(companyId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(companyId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(companyId, tail);
    void tail.then(() => {
      if (this.locks.get(companyId) === tail) this.locks.delete(companyId);
    });
    return run;
  }
}
