import { AscendError } from "../utils/errors.ts";
import { ensurePrivateDir } from "../utils/fs.ts";
import { backupKeystore, checkNewPassword, readKeystoreAddress, signerFromSecret, writeKeystore } from "./wallet.ts";

export interface ImportResult {
  address: string;
  /** where the replaced keystore was moved, if there was one */
  backup?: string;
}

/**
 * Stores an existing key or mnemonic as this node's wallet. An existing keystore is only replaced
 * with `force`, and then moved aside rather than deleted. Validation happens before anything moves.
 */
export async function importWallet(dataDir: string, secret: string, password: string, opts: { force?: boolean } = {}): Promise<ImportResult> {
  const signer = signerFromSecret(secret);
  checkNewPassword(password);
  await ensurePrivateDir(dataDir);
  const existing = await readKeystoreAddress(dataDir).catch(() => "an unreadable keystore");
  if (existing && !opts.force) {
    throw new AscendError("CONFLICT", `this node already has a wallet (${existing}); pass --force to replace it (the old keystore is kept as a .bak file)`);
  }
  const backup = existing ? await backupKeystore(dataDir) : undefined;
  await writeKeystore(dataDir, signer, password);
  return { address: signer.address, ...(backup ? { backup } : {}) };
}
