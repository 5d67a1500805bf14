import { randomBytes } from "node:crypto";
import type * as vscode from "vscode";

const KEY = "ascendnet.keystorePassword";

/**
 * The wallet keystore password lives in VS Code's SecretStorage (the OS keychain). On first use a
 * strong random one is made, so the user has nothing to remember; a user who brought a keystore
 * made elsewhere sets theirs with "AscendNet: Set Wallet Password".
 */
export class KeystorePassword {
  private readonly secrets: vscode.SecretStorage;
  constructor(secrets: vscode.SecretStorage) {
    this.secrets = secrets;
  }

  async get(): Promise<string> {
    const stored = await this.secrets.get(KEY);
    if (stored) return stored;
    // A window started next to a headless node (npm run dev, a server) shares that node's password.
    const fresh = process.env.ASCENDNET_PASSWORD || randomBytes(24).toString("base64url");
    await this.secrets.store(KEY, fresh);
    return fresh;
  }

  set(password: string): Thenable<void> {
    return this.secrets.store(KEY, password);
  }
}
