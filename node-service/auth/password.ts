import { readFile, stat } from "node:fs/promises";
import { AscendError, errorMessage } from "../utils/errors.ts";

export type PasswordSource =
  | { kind: "stdin" }
  | { kind: "env"; variable: string }
  | { kind: "file"; path: string };

export const PASSWORD_ENV = "ASCENDNET_PASSWORD";

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** Picks where the keystore password comes from, in order: --password-stdin, the password file, the environment. */
export function choosePasswordSource(opts: { stdin?: boolean; passwordFile?: string; env?: NodeJS.ProcessEnv }): PasswordSource {
  if (opts.stdin) return { kind: "stdin" };
  if (opts.passwordFile) return { kind: "file", path: opts.passwordFile };
  if ((opts.env ?? process.env)[PASSWORD_ENV]) return { kind: "env", variable: PASSWORD_ENV };
  throw new AscendError(
    "CONFIG",
    `no wallet keystore password: pass --password-stdin, set passwordFile (a file of mode 0600), or set ${PASSWORD_ENV}`,
  );
}

/** Reads the password; a password file readable by others is refused rather than trusted. Trailing newline dropped. */
export async function readPassword(source: PasswordSource, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let raw: string;
  switch (source.kind) {
    case "stdin":
      raw = await readAll(process.stdin);
      break;
    case "env":
      raw = env[source.variable] ?? "";
      break;
    case "file": {
      try {
        const st = await stat(source.path);
        if ((st.mode & 0o077) !== 0) {
          throw new AscendError("CONFIG", `the password file ${source.path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run 'chmod 600 ${source.path}'`);
        }
        raw = await readFile(source.path, "utf8");
      } catch (err) {
        if (err instanceof AscendError) throw err;
        throw new AscendError("CONFIG", `cannot read the password file ${source.path}: ${errorMessage(err)}`);
      }
      break;
    }
  }
  const password = raw.replace(/\r?\n$/, "");
  if (password === "") throw new AscendError("CONFIG", `the wallet keystore password from ${source.kind} is empty`);
  return password;
}
