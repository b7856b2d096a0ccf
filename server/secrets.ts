import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A secret from the environment, or — on a developer machine where none is set — one generated once
 * under the data folder (mode 600), so `npm run dev` needs no setup. Production sets the variables.
 */
export function getSecret(envName: "AUTH_SECRET" | "MANIFOLD_SECRET"): string {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  const dir = path.resolve(/*turbopackIgnore: true*/ process.env.MANIFOLD_DATA_DIR ?? ".data", "secrets");
  const file = path.join(dir, envName.toLowerCase());
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(32).toString("base64");
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      // Another process wrote it first.
      return fs.readFileSync(file, "utf8").trim();
    }
  }
}
