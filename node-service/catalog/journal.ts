/**
 * The catalog on disk: every record the node accepts is appended, as canonical JSON, to
 * `<dataDir>/catalog.jsonl`, so a restarted node shows its catalog again without waiting for its
 * peers, and syncs only what changed meanwhile. Lines are re-verified when read (a damaged file must
 * not make this node relay a bad record and be charged for it), on the verification threads and in
 * the background, so a large catalog never delays start-up.
 */
import { appendFile, readFile } from "node:fs/promises";
import { errorMessage } from "../utils/errors.ts";
import { writeFileAtomic } from "../utils/fs.ts";
import type { Logger } from "../utils/logger.ts";
import { encodeRecord, type VerifiedRecord } from "./signing.ts";
import type { CatalogStore } from "./store.ts";
import type { VerifyPool } from "./verify_pool.ts";

export const JOURNAL_FILE = "catalog.jsonl";
const FLUSH_DELAY_MS = 100;
const LOAD_BATCH = 1000;

export class CatalogJournal {
  private readonly path: string;
  private readonly log: Logger;
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private replaying = false;

  constructor(path: string, log: Logger) {
    this.path = path;
    this.log = log;
  }

  /**
   * Replays the file into `store` (verified on `pool`), then records every change from then on.
   * Resolves once the file is read; records appear in the store batch by batch before that.
   */
  async attach(store: CatalogStore, pool: VerifyPool): Promise<void> {
    store.onChange((record) => {
      if (!this.replaying) this.append(record);
    });
    const lines = await this.readLines();
    let damaged = 0;
    for (let start = 0; start < lines.length; start += LOAD_BATCH) {
      const values = lines.slice(start, start + LOAD_BATCH).flatMap((line) => {
        try {
          return [JSON.parse(line) as unknown];
        } catch {
          damaged++; // a line cut short by a crash mid-write
          return [];
        }
      });
      const outcomes = await pool.verify(values);
      damaged += outcomes.filter((o) => "reason" in o).length;
      this.replaying = true;
      try {
        store.applyAll(outcomes.flatMap((o) => ("record" in o ? [o.record] : [])));
      } finally {
        this.replaying = false;
      }
    }
    if (damaged > 0) this.log.warn({ module: "catalog", file: this.path, damaged }, `skipped ${damaged} damaged lines of ${this.path}; peers supply those records again`);
    // superseded versions and damaged lines are dropped once they outnumber the live records
    if (lines.length > 2 * store.size + 1000 || damaged > 0) await this.compact(store.export());
    this.log.info({ module: "catalog", records: store.size }, `catalog loaded from disk: ${store.size} records`);
  }

  /** Writes what is buffered; the node calls it when it stops. */
  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    await this.flush();
  }

  private append(record: VerifiedRecord): void {
    // plain JSON, not the canonical form: it is canonicalised again when verified on load
    this.pending.push(JSON.stringify(record));
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  private flush(): Promise<void> {
    this.flushTimer = undefined;
    if (this.pending.length === 0) return this.writing;
    const text = this.pending.join("\n") + "\n";
    this.pending = [];
    this.writing = this.writing
      .then(() => appendFile(this.path, text, { mode: 0o600 }))
      .catch((err: unknown) => this.log.error({ module: "catalog", file: this.path }, `could not write the catalog to disk: ${errorMessage(err)}`));
    return this.writing;
  }

  private async compact(records: VerifiedRecord[]): Promise<void> {
    await this.flush();
    const text = records.map((r) => encodeRecord(r).toString("utf8")).join("\n");
    this.writing = this.writing.then(() => writeFileAtomic(this.path, text ? text + "\n" : ""));
    await this.writing;
  }

  private async readLines(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    return text.split("\n").filter((line) => line.length > 0);
  }
}
