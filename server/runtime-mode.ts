/**
 * The one switch that decides how strict the server is (secrets, outbound calls, simulators):
 *
 * - `development` — NODE_ENV is not `production` (`npm run dev`, vitest, the CLI on a laptop): local
 *   simulators, generated secrets and the simulators' development credentials are fine.
 * - `demo` — NODE_ENV=production with MANIFOLD_SIMULATORS=1: a production build showing the demo
 *   merchant against the local simulators (the browser tests run this way). The simulators' credentials
 *   are accepted and outbound calls may reach the simulators' own origins, nothing else private.
 * - `production` — NODE_ENV=production otherwise (`next start` sets it): every platform secret must be
 *   configured and must not be a development default, outbound calls to merchant-typed URLs are https
 *   to public addresses only, and simulator accounts cannot be created.
 */
export type RuntimeMode = "development" | "demo" | "production";

export function runtimeMode(env: NodeJS.ProcessEnv = process.env): RuntimeMode {
  if (env.NODE_ENV !== "production") return "development";
  return env.MANIFOLD_SIMULATORS === "1" ? "demo" : "production";
}

export const isStrictProduction = (env: NodeJS.ProcessEnv = process.env) => runtimeMode(env) === "production";
