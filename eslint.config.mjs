import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";

/** What the domain layer must not depend on: the web framework, the transports, the UI. */
const NOT_IN_THE_DOMAIN = [
  { group: ["next", "next/*", "next-auth", "next-auth/*", "next-intl", "next-intl/*"], message: "The domain does not know the web framework: take what you need as a parameter." },
  { group: ["@trpc/*"], message: "The domain does not know tRPC: throw DomainError, the transports map it." },
  { group: ["react", "react/*", "react-dom", "react-dom/*"], message: "No UI in the domain." },
  { group: ["@/server/api", "@/server/api/*", "**/server/api/*"], message: "Services are called by the API, never the other way round." },
];

/** Names under which drizzle's database handle reaches a query (`db.delete`, `ctx.db.update`, `tx.update`). */
const DRIZZLE_OBJECTS = ["db", "tx", "sp", "testDb"];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    settings: {
      // Cycles are looked for in our code only: not parsing node_modules (lucide-react alone is a
      // 1 MB .d.ts) and keeping resolutions for the whole run is what keeps import/no-cycle fast.
      "import/ignore": ["node_modules"],
      "import/cache": { lifetime: Infinity },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "import/no-anonymous-default-export": "off",
      // The house has no circles (a cycle through type-only imports is harmless and allowed).
      "import/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    plugins: { drizzle },
    rules: {
      // An UPDATE or DELETE without WHERE touches every merchant's rows.
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: DRIZZLE_OBJECTS }],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: DRIZZLE_OBJECTS }],
    },
  },
  {
    files: ["server/services/**", "server/channels/**", "server/jobs/**"],
    rules: { "no-restricted-imports": ["error", { patterns: NOT_IN_THE_DOMAIN }] },
  },
  {
    files: ["components/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server", "@/server/*", "@/db", "@/db/*"],
              allowTypeImports: true,
              message: "Components import server code only as types (`import type`): load data in app/ and pass it as props, or call tRPC.",
            },
          ],
        },
      ],
    },
  },
  { ignores: ["node_modules/**", ".next/**", ".next-*/**", ".data/**", "db/migrations/**", "next-env.d.ts"] },
];

export default config;
