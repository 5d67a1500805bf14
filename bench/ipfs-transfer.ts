// ipfs-transfer: 10 MB of random content added on one process and fetched by CID on another over
// loopback TCP: bitswap on the node's own libp2p stack (TCP, noise, yamux) and the node's content
// store, 1 MiB blocks, with the fetcher's hash check of every block and its recomputation of the
// root CID over the whole content. Each run adds fresh content, so nothing is cached. The HTTP API
// is not in the path (bench/_ipfs_node.ts says why).
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { percentile, printTable } from "./_stats.ts";

const BYTES = Number(process.env.BENCH_BYTES ?? 10 * 1024 * 1024);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

class Side {
  readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly pending: Array<(line: string) => void> = [];
  // a line may come before anyone asks for it (the two sides start at once)
  private readonly early: string[] = [];

  constructor() {
    this.child = spawn(process.execPath, [join(import.meta.dirname, "_ipfs_node.ts")], { stdio: ["pipe", "pipe", "inherit"] });
    this.lines = createInterface({ input: this.child.stdout! });
    this.lines.on("line", (line) => {
      const take = this.pending.shift();
      if (take) take(line);
      else this.early.push(line);
    });
  }

  /** The next line the side prints (its answer to the last command, or its address at start). */
  next(): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const take = (line: string) => {
        const words = line.split(" ");
        if (words[0] === "error") reject(new Error(line));
        else resolve(words);
      };
      const line = this.early.shift();
      if (line !== undefined) take(line);
      else this.pending.push(take);
    });
  }

  ask(command: string): Promise<string[]> {
    const answer = this.next();
    this.child.stdin!.write(`${command}\n`);
    return answer;
  }

  stop(): void {
    this.child.stdin!.end();
  }
}

const a = new Side();
const b = new Side();
const [, addr] = await a.next();
await b.next();
await b.ask(`dial ${addr}`);
const addMs: number[] = [];
const getMs: number[] = [];
const rss0 = { a: Number((await a.ask("rss"))[1]), b: Number((await b.ask("rss"))[1]) };
for (let i = 0; i < RUNS; i++) {
  const [, cid, added] = await a.ask(`add ${BYTES}`);
  addMs.push(Number(added));
  const [, size, took] = await b.ask(`get ${cid}`);
  if (Number(size) !== BYTES) throw new Error(`fetched ${size} bytes, expected ${BYTES}`);
  getMs.push(Number(took));
}
const rss1 = { a: Number((await a.ask("rss"))[1]), b: Number((await b.ask("rss"))[1]) };
a.stop();
b.stop();

const mb = BYTES / 1e6;
const rate = (ms: number) => Math.round((mb / (ms / 1000)) * 10) / 10;
const r = (x: number) => Math.round(x);
const MiB = (x: number) => Math.round(x / 2 ** 20);
printTable(`ipfs-transfer (${RUNS} runs of ${mb} MB; fetch = bitswap over loopback + block hashes + root CID check)`, [
  { step: "add + pin on A", median_ms: r(percentile(addMs, 50)), max_ms: r(Math.max(...addMs)), median_mb_per_s: rate(percentile(addMs, 50)) },
  { step: "fetch on B", median_ms: r(percentile(getMs, 50)), max_ms: r(Math.max(...getMs)), median_mb_per_s: rate(percentile(getMs, 50)) },
]);
console.log(`RSS before/after: A ${MiB(rss0.a)} -> ${MiB(rss1.a)} MiB, B ${MiB(rss0.b)} -> ${MiB(rss1.b)} MiB; goal >= 30 MB/s`);
console.log(JSON.stringify({ bench: "ipfs-transfer", bytes: BYTES, mb_per_s: rate(percentile(getMs, 50)) }));
