import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { AMAZON_SIMULATOR_APP } from "@/server/channels/amazon/config";
import { SHOPEE_SIMULATOR_PARTNER } from "@/server/channels/shopee/config";
import { LAZADA_SIMULATOR_APP } from "@/server/channels/lazada/config";
import { SHOPIFY_SIMULATOR_APP } from "@/server/channels/shopify/config";
import type { PlatformCode } from "@/server/channels/types";
import { TIANTIAN_DEMO_APP_SECRET } from "@/server/services/production/demo-credentials";
import { trustedProxyHops } from "@/server/http/client-address";
import { runtimeMode } from "@/server/runtime-mode";
import { storageConfigProblem } from "@/server/storage";

/** The server's own secrets: what each one does (for the refusal message). */
export const SERVER_SECRETS = {
  AUTH_SECRET: "signs and encrypts session cookies and device cookies",
  MANIFOLD_SECRET: "encrypts marketplace tokens and programme secrets at rest",
} as const;
export type ServerSecret = keyof typeof SERVER_SECRETS;

/** Shortest value production accepts (both are fed to HKDF / HMAC: 32 random bytes is the advice). */
export const SERVER_SECRET_MIN_LENGTH = 32;

/**
 * Values of the server secrets that are written in this repository (the browser tests' and benchmarks'
 * servers): usable by anyone who reads the source, so never accepted in production.
 */
export const SERVER_SECRET_SOURCE_VALUES: Record<ServerSecret, readonly string[]> = {
  AUTH_SECRET: ["e2e-secret-e2e-secret-e2e-secret-00", "bench-secret-bench-secret-bench-00"],
  MANIFOLD_SECRET: ["ZTJlLWtleS1lMmUta2V5LWUyZS1rZXktZTJlLWtleTA="],
};

/** What is wrong with a server secret for this runtime mode, or null (always null outside production). */
export function serverSecretProblem(name: ServerSecret, env: NodeJS.ProcessEnv = process.env): string | null {
  if (runtimeMode(env) !== "production") return null;
  const value = env[name];
  const how = `set ${name} (${SERVER_SECRETS[name]}) to at least ${SERVER_SECRET_MIN_LENGTH} random characters, e.g. \`openssl rand -base64 32\``;
  if (!value) return `${name} is not set: ${how}`;
  if (SERVER_SECRET_SOURCE_VALUES[name].includes(value)) return `${name} is a value written in the source: ${how}`;
  if (value.length < SERVER_SECRET_MIN_LENGTH) return `${name} is shorter than ${SERVER_SECRET_MIN_LENGTH} characters: ${how}`;
  return null;
}

/**
 * Every reason this production server must not start (nothing outside production): a server secret
 * missing, short or from the source, no way to know its public origin (APP_URL, or
 * TRUSTED_PROXY_HOPS for proxies that send X-Forwarded-Host), and a file storage it cannot use
 * (MANIFOLD_STORAGE=s3 without its bucket, server/storage). Checked by `npm start` before anything
 * else and by instrumentation.ts when `next start` boots, which exit with these lines.
 */
export function productionStartProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  if (runtimeMode(env) !== "production") return [];
  const problems = (Object.keys(SERVER_SECRETS) as ServerSecret[]).map((n) => serverSecretProblem(n, env)).filter((p): p is string => !!p);
  const appUrl = appUrlProblem(env);
  if (appUrl) problems.push(appUrl);
  const storage = storageConfigProblem(env);
  if (storage) problems.push(storage);
  return problems;
}

/** APP_URL must be an http(s) origin when set; in production it is required unless TRUSTED_PROXY_HOPS > 0. */
export function appUrlProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env.APP_URL;
  if (value) {
    try {
      const u = new URL(value);
      if ((u.protocol === "https:" || u.protocol === "http:") && (u.pathname === "/" || u.pathname === "") && !u.search && !u.hash && !u.username) return null;
    } catch {
      /* below */
    }
    return `APP_URL must be this server's public origin such as https://oms.example.com (got ${JSON.stringify(value)})`;
  }
  if (runtimeMode(env) !== "production" || trustedProxyHops(env) > 0) return null;
  return "APP_URL is not set: set it to this server's public origin (https://…), used for OAuth redirect URIs and webhook addresses; behind proxies that send X-Forwarded-Host, TRUSTED_PROXY_HOPS may be set instead";
}

/**
 * A server secret from the environment, or — in development and demo, where none is set — one generated
 * once under the data folder (mode 600), so `npm run dev` needs no setup. In production the variable is
 * required (serverSecretProblem): this throws rather than invent or generate one.
 */
export function getSecret(envName: ServerSecret): string {
  const problem = serverSecretProblem(envName);
  if (problem) throw new Error(`[secrets] ${problem}`);
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

// ------------------------------------------------------------------------------------ platform secrets

/**
 * Every platform credential the server holds, in one typed registry: a platform connector cannot be
 * added without its line here (`satisfies Record<PlatformCode, …>`), so the production rule below holds
 * for the platforms to come too. `secret` signs or proves something (OAuth callbacks, webhooks, token
 * requests); `with` are the companion settings that must be set alongside it. `developmentDefault` is
 * the local simulator's credential, what the server falls back to outside production.
 *
 * The rule (server/runtime-mode.ts decides the mode): in `production`, a platform whose secret is unset
 * or equals its development default is *not configured*. Its webhooks are refused (503, one log line
 * each, so a forged `app/uninstalled` signed with the public default revokes nothing) and so are its
 * authorizations; the server still starts, because an installation sells on some platforms only and
 * must not be pushed into inventing values for the others. At start the server logs each unconfigured
 * platform once. `development` and `demo` accept the defaults (the simulators use them).
 */
export type PlatformSecretSpec = { secret: string; with: readonly string[]; developmentDefault: string; signs: string };

export const PLATFORM_SECRETS = {
  shopify: { secret: "SHOPIFY_API_SECRET", with: ["SHOPIFY_API_KEY"], developmentDefault: SHOPIFY_SIMULATOR_APP.clientSecret, signs: "OAuth callbacks and webhooks (HMAC-SHA256)" },
  amazon: {
    secret: "AMAZON_LWA_CLIENT_SECRET",
    with: ["AMAZON_LWA_CLIENT_ID", "AMAZON_SP_APP_ID"],
    developmentDefault: AMAZON_SIMULATOR_APP.clientSecret,
    signs: "Login with Amazon token requests",
  },
  lazada: { secret: "LAZADA_APP_SECRET", with: ["LAZADA_APP_KEY"], developmentDefault: LAZADA_SIMULATOR_APP.appSecret, signs: "every API call and push (HMAC-SHA256)" },
  shopee: { secret: "SHOPEE_PARTNER_KEY", with: ["SHOPEE_PARTNER_ID"], developmentDefault: SHOPEE_SIMULATOR_PARTNER.partnerKey, signs: "every API call and push (HMAC-SHA256)" },
} as const satisfies Record<PlatformCode, PlatformSecretSpec>;

/**
 * Secrets a merchant types (a production programme's app secret): the demo values the seed writes must
 * not be used by a production server either. Checked when saved and before each use.
 */
export const MERCHANT_SECRET_DEFAULTS = {
  tiantian: [TIANTIAN_DEMO_APP_SECRET],
} as const satisfies Record<string, readonly string[]>;

export type SecretProblem = { variable: string; problem: "unset" | "developmentDefault" };

/** What keeps this platform from being configured for this runtime mode (nothing outside production). */
export function platformSecretProblems(platform: PlatformCode, env: NodeJS.ProcessEnv = process.env): SecretProblem[] {
  if (runtimeMode(env) !== "production") return [];
  const spec: PlatformSecretSpec = PLATFORM_SECRETS[platform];
  const problems: SecretProblem[] = [];
  const value = env[spec.secret];
  if (!value) problems.push({ variable: spec.secret, problem: "unset" });
  else if (value === spec.developmentDefault) problems.push({ variable: spec.secret, problem: "developmentDefault" });
  for (const v of spec.with) if (!env[v]) problems.push({ variable: v, problem: "unset" });
  return problems;
}

/** One line an operator can act on, or null when the platform is configured. */
export function platformNotConfigured(platform: PlatformCode, env: NodeJS.ProcessEnv = process.env): string | null {
  const problems = platformSecretProblems(platform, env);
  if (problems.length === 0) return null;
  const what = problems.map((p) => (p.problem === "unset" ? `${p.variable} is not set` : `${p.variable} is the development default`)).join(", ");
  return `${platform} is not configured for production (${what}); its webhooks and authorizations are refused until it is`;
}

/** Whether a merchant-typed secret is a known demo value that a production server must refuse. */
export function isMerchantSecretDefault(kind: keyof typeof MERCHANT_SECRET_DEFAULTS, value: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return runtimeMode(env) === "production" && (MERCHANT_SECRET_DEFAULTS[kind] as readonly string[]).includes(value);
}

/** One line per platform this production server cannot use (logged at start, instrumentation.ts). */
export const unconfiguredPlatforms = (env: NodeJS.ProcessEnv = process.env) =>
  (Object.keys(PLATFORM_SECRETS) as PlatformCode[]).map((p) => platformNotConfigured(p, env)).filter((l): l is string => !!l);

// ------------------------------------------------------------------------------------ demo password

/** The demo owner's password in development and demo (the README prints it). */
export const DEMO_DEFAULT_PASSWORD = "manifold-demo";

/**
 * A password that is published (the README's demo password): a production server lets nobody sign in
 * with it, so a demo merchant seeded into a production database before cannot be entered with it.
 */
export const isPublishedPassword = (password: string, env: NodeJS.ProcessEnv = process.env) =>
  runtimeMode(env) === "production" && password === DEMO_DEFAULT_PASSWORD;
