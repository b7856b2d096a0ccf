/**
 * The demo 天天工厂 programme's credentials, shared by the demo seed, the local simulator and the
 * secrets registry (server/secrets.ts), which refuses them in production.
 */
export const TIANTIAN_DEMO_APP_KEY = "tt-demo-factory";
export const TIANTIAN_DEMO_APP_SECRET = "tt-demo-secret-not-for-production";
