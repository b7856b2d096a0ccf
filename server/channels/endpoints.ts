/**
 * Where the local marketplace simulators listen (tests/simulators, `npm run simulators`, and the dev
 * server which starts them itself). Demo accounts point here; real accounts point at the platform.
 */
export const SIMULATOR_BASE_PORT = () => Number(process.env.MANIFOLD_SIMULATOR_PORT ?? 4610);

export const simulatorPorts = () => ({ shopify: SIMULATOR_BASE_PORT(), amazon: SIMULATOR_BASE_PORT() + 1, shopee: SIMULATOR_BASE_PORT() + 2 });

export const simulatorUrl = (platform: keyof ReturnType<typeof simulatorPorts>) =>
  process.env[`MANIFOLD_${platform.toUpperCase()}_SIMULATOR_URL`] ?? `http://127.0.0.1:${simulatorPorts()[platform]}`;

/** The demo merchant's Shopify shop on the simulator. */
export const DEMO_SHOPIFY_SHOP = "manifold-demo";
