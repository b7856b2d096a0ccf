/**
 * Where the local simulators listen (tests/simulators, `npm run simulators`, and the dev server which
 * starts them itself): the marketplaces and 天天工厂. Demo accounts point here; real accounts point at
 * the platform.
 */
const SIMULATOR_BASE_PORT = (env: NodeJS.ProcessEnv = process.env) => Number(env.MANIFOLD_SIMULATOR_PORT ?? 4610);

export const simulatorPorts = (env: NodeJS.ProcessEnv = process.env) => {
  const base = SIMULATOR_BASE_PORT(env);
  return { shopify: base, amazon: base + 1, shopee: base + 2, tiantian: base + 3, lazada: base + 4 };
};

export const simulatorUrl = (platform: keyof ReturnType<typeof simulatorPorts>, env: NodeJS.ProcessEnv = process.env) =>
  env[`MANIFOLD_${platform.toUpperCase()}_SIMULATOR_URL`] ?? `http://127.0.0.1:${simulatorPorts(env)[platform]}`;

/**
 * The simulators' origins: the only local addresses a demo server's outbound calls may reach
 * (server/outbound/guarded-fetch.ts).
 */
export const simulatorOrigins = (env: NodeJS.ProcessEnv = process.env) =>
  [...new Set((Object.keys(simulatorPorts(env)) as (keyof ReturnType<typeof simulatorPorts>)[]).map((p) => new URL(simulatorUrl(p, env)).origin))];

/** The demo merchant's Shopify shop on the simulator. */
export const DEMO_SHOPIFY_SHOP = "manifold-demo";
