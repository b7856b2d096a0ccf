// The web-api adapter (Request/Headers/fetch/crypto.subtle) fits route handlers: it sets the library's
// abstract request conversion and fetch once for the process.
import "@shopify/shopify-api/adapters/web-api";
import { LogSeverity, shopifyApi, type ApiVersion, type Shopify } from "@shopify/shopify-api";
import { SHOPIFY_API_VERSION } from "./graphql";

/** What the library is configured with: our own settings (server/secrets.ts → shopifyApp()). */
export type ShopifyAppKeys = { clientId: string; clientSecret: string };

const instances = new Map<string, Shopify>();

/**
 * The official `@shopify/shopify-api` instance for these app keys. No session storage (that belongs to
 * the shopify-app-* packages): tokens stay in our encrypted columns. `hostName` is only read by the
 * library's own OAuth begin/callback, which we do not use; it is APP_URL's host when set. One instance per
 * key pair (the secret changes only in tests and on a rotation).
 */
export function shopifySdk(keys: ShopifyAppKeys, env: NodeJS.ProcessEnv = process.env): Shopify {
  const cacheKey = `${keys.clientId}\u0000${keys.clientSecret}`;
  let sdk = instances.get(cacheKey);
  if (!sdk) {
    let hostName = "localhost";
    try {
      if (env.APP_URL) hostName = new URL(env.APP_URL).host;
    } catch {
      /* an invalid APP_URL is refused at start-up (server/secrets.ts) */
    }
    sdk = shopifyApi({
      apiKey: keys.clientId,
      apiSecretKey: keys.clientSecret,
      // Our Admin API version; newer than the enum of the last release that runs on Node 20 (13.1.0).
      apiVersion: SHOPIFY_API_VERSION as ApiVersion,
      hostName,
      hostScheme: "https",
      isEmbeddedApp: false,
      // The library logs its version at Info on every instance; warnings and errors still show.
      logger: { level: LogSeverity.Warning },
    });
    if (instances.size > 8) instances.clear();
    instances.set(cacheKey, sdk);
  }
  return sdk;
}
