/** The credentials the Shopify simulator's app has out of the box (development and demo). */
export const SHOPIFY_SIMULATOR_APP = { clientId: "manifold-dev-shopify-client", clientSecret: "manifold-dev-shopify-secret" } as const;
