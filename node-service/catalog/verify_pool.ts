/**
 * Verifies large batches of records on worker threads. A node catching up after a restart may pull
 * tens of thousands of records, and an Ed25519 check costs a sizeable fraction of a millisecond: on
 * one thread the catch-up took seconds and held the API's event loop meanwhile. Small batches (a
 * gossiped record, a short sync) are verified inline, where a thread hop would cost more than it saves.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { errorMessage } from "../utils/errors.ts";
import { adoptVerified, verifyParsedRecord, type VerifiedRecord } from "./signing.ts";

export interface VerifyRequest {
  id: number;
  records: unknown[];
}
export type VerifyResult = { canonical: string; hash: string } | { reason: string };
export interface VerifyResponse {
  id: number;
  results: VerifyResult[];
}
/** One outcome per input record, in input order. */
export type VerifyOutcome = { record: VerifiedRecord } | { reason: string };

const INLINE_BELOW = 32;
const MAX_WORKERS = 4;

// The bundle (dist/node-service/cli.mjs) ships the worker as verify-worker.mjs beside it; from source
// the worker is this folder's verify_worker.ts.
const WORKER_URL = import.meta.url.endsWith(".ts") ? new URL("./verify_worker.ts", import.meta.url) : new URL("./verify-worker.mjs", import.meta.url);

interface Pending {
  resolve: (results: VerifyResult[]) => void;
  reject: (err: Error) => void;
}

class VerifyThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  failed: Error | undefined;

  constructor() {
    this.worker = new Worker(WORKER_URL);
    this.worker.unref();
    this.worker.on("message", ({ id, results }: VerifyResponse) => {
      this.pending.get(id)?.resolve(results);
      this.pending.delete(id);
    });
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", (code) => this.fail(new Error(`verification thread exited with code ${code}`)));
  }

  verify(records: unknown[]): Promise<VerifyResult[]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, records } satisfies VerifyRequest);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

export class VerifyPool {
  private readonly size: number;
  private threads: VerifyThread[] = [];

  constructor(size = Math.min(MAX_WORKERS, Math.max(1, availableParallelism()))) {
    this.size = size;
  }

  /** Verifies `records` (plain JSON values, as parsed off the wire), spread over the threads. */
  async verify(records: unknown[]): Promise<VerifyOutcome[]> {
    if (records.length < INLINE_BELOW) return records.map(verifyInline);
    this.threads = this.threads.filter((t) => !t.failed);
    while (this.threads.length < this.size) this.threads.push(new VerifyThread());
    const share = Math.ceil(records.length / this.threads.length);
    const parts = await Promise.all(this.threads.map((t, i) => t.verify(records.slice(i * share, (i + 1) * share))));
    return parts.flat().map((r) => ("reason" in r ? r : { record: adoptVerified(r.canonical, r.hash) }));
  }

  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

function verifyInline(value: unknown): VerifyOutcome {
  try {
    return { record: verifyParsedRecord(value) };
  } catch (err) {
    return { reason: errorMessage(err) };
  }
}
