#!/usr/bin/env node
/**
 * `ascendnet`: the headless node for servers and the process the editor spawns.
 *   ascendnet node start [flags]    run a node in the foreground until SIGINT/SIGTERM
 *   ascendnet node status           print the running node's health (found through the lock file)
 *   ascendnet key import            store an existing private key or mnemonic (read from stdin) as the wallet
 * Exit codes: 0 ok, 1 runtime failure, 2 bad flags, configuration or password.
 */
import { Command, CommanderError, Option } from "commander";
import { importWallet, readPassword, choosePasswordSource, PASSWORD_ENV } from "./auth/index.ts";
import { isLockLive, readLock } from "./api/index.ts";
import { AscendNode } from "./node.ts";
import { describeConfigKeys, loadConfig, DEFAULTS, type ConfigKey } from "./utils/config.ts";
import { AscendError, errorMessage } from "./utils/errors.ts";
import { NODE_VERSION } from "./version.ts";

const FLAG_FOR: Record<ConfigKey, string> = {
  dataDir: "--data-dir <dir>",
  apiPort: "--api-port <port>",
  p2pPort: "--p2p-port <port>",
  p2pHost: "--p2p-host <ip>",
  chainRpc: "--chain-rpc <url>",
  chainId: "--chain-id <id>",
  deploymentsDir: "--deployments-dir <dir>",
  paymentToken: "--payment-token <address>",
  ipfsApi: "--ipfs-api <url>",
  logLevel: "--log-level <level>",
  passwordFile: "--password-file <file>",
  bootstrap: "--bootstrap <multiaddr...>",
  announce: "--announce <multiaddr...>",
  mdns: "--no-mdns",
  allowPeers: "--allow-peer <peerId...>",
  denyPeers: "--deny-peer <peerId...>",
};

function intFlag(name: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw)) throw new AscendError("CONFIG", `${name} must be a whole number, got '${raw}'`);
    return Number(raw);
  };
}

function configOptions(cmd: Command): Command {
  for (const { key, env, description } of describeConfigKeys()) {
    const def = DEFAULTS[key];
    const shownDefault = Array.isArray(def) ? (def.length ? def.join(",") : undefined) : def;
    const opt = new Option(FLAG_FOR[key], `${description} [env ${env}]${shownDefault !== undefined ? ` (default: ${shownDefault})` : ""}`);
    if (key === "apiPort" || key === "p2pPort" || key === "chainId") opt.argParser(intFlag(FLAG_FOR[key].split(" ")[0]!));
    cmd.addOption(opt);
  }
  return cmd
    .option("--config <file>", "JSON config file (default: <data-dir>/config.json)")
    .option("--env-file <file>", "dotenv file (default: ./.env)");
}

type Flags = Partial<Record<ConfigKey, unknown>> & { config?: string; envFile?: string; passwordStdin?: boolean; force?: boolean };

function resolveConfig(flags: Flags) {
  const { config, envFile, passwordStdin: _stdin, force: _force, ...values } = flags;
  // a negatable flag reads `true` when absent; only an explicit --no-mdns belongs to the flags layer
  if (values.mdns === true) delete values.mdns;
  return loadConfig({ flags: values, ...(config ? { configPath: config } : {}), ...(envFile ? { dotenvPath: envFile } : {}) });
}

async function startCommand(flags: Flags): Promise<void> {
  const config = resolveConfig(flags);
  const source = choosePasswordSource({ stdin: flags.passwordStdin === true, ...(config.passwordFile ? { passwordFile: config.passwordFile } : {}) });
  const password = await readPassword(source);
  // Signals are handled from the first moment: one that arrives while the node is still starting
  // stops it as soon as it is up, rather than killing it half-way.
  let stopRequested: string | undefined;
  let node: AscendNode | undefined;
  const shutdown = (signal: string) => {
    if (stopRequested) process.exit(130); // second signal: the operator insists
    stopRequested = `received ${signal}`;
    node?.stop(stopRequested).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  node = await AscendNode.start({ config, password, onStopped: (code) => process.exit(code) });
  if (stopRequested) await node.stop(stopRequested).then(() => process.exit(0));
}

async function statusCommand(flags: Flags): Promise<void> {
  const config = resolveConfig(flags);
  const lock = await readLock(config.dataDir);
  if (!lock || !(await isLockLive(lock))) {
    console.log(`no node is running with the data directory ${config.dataDir}`);
    process.exitCode = 3;
    return;
  }
  const res = await fetch(`http://127.0.0.1:${lock.port}/api/health`, { headers: { authorization: `Bearer ${lock.token}` } });
  console.log(JSON.stringify(await res.json(), null, 2));
}

async function importCommand(flags: Flags & { force?: boolean }): Promise<void> {
  const config = resolveConfig(flags);
  if (process.stdin.isTTY) console.error("paste the private key or mnemonic, then Ctrl-D:");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const secret = Buffer.concat(chunks).toString("utf8");
  const password = await readPassword(choosePasswordSource({ ...(config.passwordFile ? { passwordFile: config.passwordFile } : {}) }));
  const lock = await readLock(config.dataDir);
  if (lock && (await isLockLive(lock))) throw new AscendError("LOCKED", `stop the node running on ${config.dataDir} (pid ${lock.pid}) before importing a key`);
  const result = await importWallet(config.dataDir, secret, password, { force: flags.force === true });
  console.log(`wallet imported: ${result.address}${result.backup ? ` (previous keystore kept at ${result.backup})` : ""}`);
}

export function buildProgram(): Command {
  const program = new Command("ascendnet").version(NODE_VERSION).description("AscendNet node: peer-to-peer marketplace for AI prompts and compute");
  program.exitOverride();
  const node = program.command("node").description("run and inspect a node");
  configOptions(node.command("start").description("start a node in the foreground (stops on SIGINT/SIGTERM)"))
    .option("--password-stdin", `read the wallet keystore password from standard input (else --password-file or ${PASSWORD_ENV})`)
    .action(startCommand);
  configOptions(node.command("status").description("show the health of the node running on this data directory")).action(statusCommand);
  const key = program.command("key").description("manage the node's wallet key");
  configOptions(key.command("import").description(`store a private key or mnemonic read from stdin as this node's wallet (password from --password-file or ${PASSWORD_ENV})`))
    .option("--force", "replace an existing wallet (the old keystore is kept as a .bak file)")
    .action(importCommand);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    console.error(`ascendnet: ${errorMessage(err)}`);
    const usage = err instanceof AscendError && ["CONFIG", "BAD_REQUEST", "UNAUTHORIZED", "STATE_CORRUPT"].includes(err.code);
    process.exit(usage ? 2 : 1);
  }
}

await main();
