import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Low, type Adapter } from "lowdb";
import Type, { type Static } from "typebox";
import { AscendError, errorMessage } from "../utils/errors.ts";
import { writeFileAtomic } from "../utils/fs.ts";
import { describeErrors } from "../utils/schema.ts";
import { NodeSettingsSchema, type NodeSettings } from "./settings.ts";

export const STATE_FILE = "state.json";

/** The node's own state on disk. Later capabilities add fields with a schemaVersion bump and a migration. */
const BanSchema = Type.Object({ peerId: Type.String({ maxLength: 128 }), until: Type.Integer({ minimum: 0 }), reason: Type.String({ maxLength: 1000 }) });
export type StoredBan = Static<typeof BanSchema>;

const StateSchema = Type.Object({
  schemaVersion: Type.Literal(1),
  settings: NodeSettingsSchema,
  /** peers banned for misbehaviour, kept across restarts until each ban ends */
  bans: Type.Optional(Type.Array(BanSchema, { maxItems: 100_000 })),
});
export type NodeState = Static<typeof StateSchema>;

const EMPTY_STATE: NodeState = { schemaVersion: 1, settings: {} };

/** lowdb adapter that writes through rename (old or new file, never half) with mode 0600, one write at a time. */
class AtomicJsonFile implements Adapter<NodeState> {
  private queue: Promise<void> = Promise.resolve();
  private readonly path: string;
  constructor(path: string) {
    this.path = path;
  }

  async read(): Promise<NodeState | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new AscendError("STATE_CORRUPT", `cannot read the node state ${this.path}: ${errorMessage(err)}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw corrupt(this.path, `not valid JSON: ${errorMessage(err)}`);
    }
    const problems = describeErrors(StateSchema, data);
    if (problems.length > 0) throw corrupt(this.path, problems.join("; "));
    return data as NodeState;
  }

  write(data: NodeState): Promise<void> {
    const text = JSON.stringify(data, null, 2) + "\n";
    const next = this.queue.then(() => writeFileAtomic(this.path, text, 0o600));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function corrupt(path: string, why: string): AscendError {
  return new AscendError(
    "STATE_CORRUPT",
    `the node state ${path} is corrupt (${why}). It was left untouched. Restore it from a backup, or move it ` +
      `away to start with empty local state (keys are separate files and are not affected).`,
  );
}

/** Local state in lowdb. Every mutation is validated first and persisted before it resolves. */
export class StateStore {
  private readonly db: Low<NodeState>;
  private constructor(db: Low<NodeState>) {
    this.db = db;
  }

  static async open(dataDir: string): Promise<StateStore> {
    const db = new Low<NodeState>(new AtomicJsonFile(join(dataDir, STATE_FILE)), structuredClone(EMPTY_STATE));
    await db.read();
    return new StateStore(db);
  }

  get state(): Readonly<NodeState> {
    return this.db.data;
  }

  /** Memory changes only once the file has the new state, so a failed write leaves both as they were. */
  private async commit(candidate: NodeState): Promise<void> {
    const previous = this.db.data;
    this.db.data = candidate;
    try {
      await this.db.write();
    } catch (err) {
      this.db.data = previous;
      throw err;
    }
  }

  async setBans(bans: StoredBan[]): Promise<void> {
    await this.commit({ ...this.db.data, bans });
  }

  async updateSettings(patch: NodeSettings): Promise<NodeSettings> {
    const next = { ...this.db.data.settings, ...patch };
    const problems = describeErrors(NodeSettingsSchema, next);
    if (problems.length > 0) throw new AscendError("BAD_REQUEST", `settings: ${problems.join("; ")}`);
    await this.commit({ ...this.db.data, settings: next });
    return next;
  }
}
