import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { closeHandle, createDb } from "@/db";
import { memberships, organizations, users } from "@/db/schema";
import { createApiKey } from "@/server/services/auth/api-keys";
import { systemContext } from "@/server/context";
import { hashPassword } from "@/server/services/auth/passwords";
import { createOrganization } from "@/server/services/orgs/orgs";
import { DEMO, DEMO_SEED_REFUSED, DemoSeedRefused, seedDemo } from "@/server/services/seed/demo";
import { DomainError } from "@/server/errors";
import { ZodError } from "zod";
import { currentKeyVersion } from "@/server/crypto/tokens";
import { reencryptTokens } from "@/server/services/channels/accounts";
import { runtimeMode } from "@/server/runtime-mode";
import { backupDatabase, defaultBackupFile, restoreDatabase, RestoreRefused } from "./backup";
import { prepareDatabase } from "./lib";

const USAGE = `Usage: npm run -s manifold -- <command> [options]

Commands:
  db:migrate                                   apply migrations
  seed:demo [--force-production]               create merchant "demo" with master data (idempotent);
                                               refused in production unless forced (then the password
                                               is DEMO_PASSWORD or a random one, printed once)
  org:create --name <n> --slug <s> --email <e> --password <p>
                                               create a merchant and its owner
  apikey:create --org <slug> [--name <n>] [--role <r>]
                                               print a new API key (only the key) on stdout
  backup [--out FILE]                          pg_dump (custom format) of the database to FILE, or
                                               Manifold's own format where no pg_dump of the server's
                                               major exists (the embedded PostgreSQL 18)
                                               (default backups/manifold-<time>.dump)
  restore FILE [--force]                       pg_restore FILE; refuses a non-empty database unless --force
                                               (then replaces its contents), all in one transaction
  tokens:reencrypt [--org <slug>]              re-seal stored marketplace tokens under the current key
                                               (after setting MANIFOLD_SECRET_VERSION and MANIFOLD_SECRET_V<old>)

Uses DATABASE_URL when set, else the embedded PostgreSQL under .data/.`;

const [command, ...rest] = process.argv.slice(2);
const { values: opts, positionals } = parseArgs({
  args: rest,
  options: {
    name: { type: "string" },
    slug: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    org: { type: "string" },
    role: { type: "string" },
    "force-production": { type: "boolean" },
    out: { type: "string" },
    force: { type: "boolean" },
  },
  allowPositionals: true,
  strict: true,
});

function need(name: Exclude<keyof typeof opts, "force-production" | "force">): string {
  const v = opts[name];
  if (!v) {
    console.error(`missing --${name}\n\n${USAGE}`);
    process.exit(2);
  }
  return v;
}

function seedDemoAllowed() {
  if (runtimeMode() === "production" && !opts["force-production"]) throw new DemoSeedRefused(DEMO_SEED_REFUSED);
}

async function main() {
  if (!command || command === "help" || command === "--help") {
    console.log(USAGE);
    return 0;
  }
  const known = ["db:migrate", "seed:demo", "org:create", "apikey:create", "tokens:reencrypt", "backup", "restore"];
  if (!known.includes(command)) {
    console.error(`unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  if (command === "backup" || command === "restore") return backupCommand(command);
  if (command === "seed:demo") {
    // Before touching any database: a production server gets no merchant with a published password.
    try {
      seedDemoAllowed();
    } catch (e) {
      if (!(e instanceof DemoSeedRefused)) throw e;
      console.error(`error: ${e.message}`);
      return 2;
    }
  }
  const handle = await prepareDatabase({ migrate: true });
  const dbh = createDb(process.env.DATABASE_URL!, 2);
  const { db } = dbh;
  try {
    switch (command) {
      case "db:migrate":
        console.error("migrations applied");
        break;
      case "seed:demo": {
        const r = await seedDemo(db, { forceProduction: opts["force-production"] });
        console.error(r.created ? "demo merchant created" : "demo merchant already present; nothing changed");
        console.log(`user: ${DEMO.email}\npassword: ${r.password ?? "(unchanged: the demo user already existed)"}`);
        break;
      }
      case "org:create": {
        const email = need("email").toLowerCase();
        const password = need("password");
        if (password.length < 8) throw new Error("--password must have at least 8 characters");
        const org = await db.transaction(async (tx) => {
          const org = await createOrganization(tx, { name: need("name"), slug: need("slug") });
          let [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
          if (!user) {
            [user] = await tx
              .insert(users)
              .values({ email, name: email.split("@")[0] ?? email, passwordHash: await hashPassword(password) })
              .returning({ id: users.id });
          }
          await tx.insert(memberships).values({ orgId: org.id, userId: user!.id, role: "owner" });
          return org;
        });
        console.log(`created merchant ${org.slug} (${org.id}) owned by ${email}`);
        break;
      }
      case "apikey:create": {
        const slug = need("org");
        const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug));
        if (!org) throw new Error(`no merchant with slug "${slug}"`);
        const key = await createApiKey(systemContext(db, org.id, "cli"), { name: opts.name ?? "cli", role: (opts.role as "admin") ?? "admin" });
        process.stdout.write(key.key + "\n");
        break;
      }
      case "tokens:reencrypt": {
        let orgId: string | undefined;
        if (opts.org) {
          const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, opts.org));
          if (!org) throw new Error(`no merchant with slug "${opts.org}"`);
          orgId = org.id;
        }
        const r = await reencryptTokens(db, { orgId });
        console.log(`re-encrypted ${r.reencrypted} account(s) under key version ${currentKeyVersion()}`);
        for (const f of r.failed) console.error(`account ${f.accountId}: ${f.error}`);
        if (r.failed.length) return 1;
        break;
      }
    }
    return 0;
  } finally {
    await closeHandle(dbh);
    await handle?.stop();
  }
}

/** backup / restore: no migrations first (a restore wants an empty target). */
async function backupCommand(command: "backup" | "restore") {
  const handle = await prepareDatabase({ migrate: false });
  const url = process.env.DATABASE_URL!;
  try {
    if (command === "backup") {
      const r = await backupDatabase(url, opts.out ?? defaultBackupFile());
      console.error(`backup written: ${r.file} (${r.bytes} bytes, PostgreSQL ${r.major}, ${r.format === "pg_dump" ? "pg_dump custom format" : "Manifold built-in format: no pg_dump " + r.major + " here"})`);
      console.log(r.file);
      return 0;
    }
    const file = positionals[0];
    if (!file) {
      console.error(`restore needs a FILE\n\n${USAGE}`);
      return 2;
    }
    try {
      const r = await restoreDatabase(url, file, { force: opts.force });
      console.error(`restored ${file}: ${r.tables} tables`);
      return 0;
    } catch (e) {
      if (e instanceof RestoreRefused) {
        console.error(`refused: ${e.message}`);
        return 3;
      }
      throw e;
    }
  } finally {
    await handle?.stop();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((e) => {
    if (e instanceof DomainError) console.error(`error: ${e.code} ${e.messageRef.key} ${JSON.stringify(e.messageRef.params ?? {})}`);
    else if (e instanceof ZodError) console.error(`error: ${e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    else console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
