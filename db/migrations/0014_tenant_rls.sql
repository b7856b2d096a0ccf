-- Hand-written (drizzle-kit generate --custom): row-level security on every tenant table, and the
-- application role it binds. See DEVELOPING.md, "Tenancy in depth".
--
-- manifold_app: what the application's queries run as (the app's connections SET ROLE to it, see
-- db/index.ts); no login of its own, not a superuser, not the tables' owner, no BYPASSRLS — so the
-- policies below apply to it. Migrations and the admin CLI keep running as the owner. Roles belong to
-- the cluster, so a second database on the same server (tests, CI) finds it already there.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'manifold_app') THEN
    CREATE ROLE manifold_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END $$;--> statement-breakpoint
-- The owner may act as it (a superuser may anyway; a non-superuser owner needs the membership).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'manifold_app', 'MEMBER') THEN
    EXECUTE format('GRANT manifold_app TO %I', current_user);
  END IF;
END $$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO manifold_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO manifold_app;--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO manifold_app;--> statement-breakpoint
-- Tables and sequences of later migrations get the same grants (policies they must add themselves:
-- tests/integration/tenancy-catalog.test.ts fails until they do).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO manifold_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO manifold_app;--> statement-breakpoint
-- The cross-merchant keys are read only through manifold_org_for_key and written only by their triggers.
REVOKE ALL ON global_keys FROM manifold_app;--> statement-breakpoint
-- Every tenant table (every table with org_id but global_keys): only the merchant of the transaction's
-- app.org_id (set_config('app.org_id', …, true)); with none set, nothing is visible and nothing can be
-- written. nullif: once set and ended in a session, the setting reads '' rather than null.
DO $$
DECLARE t text;
BEGIN
  FOR t IN
    SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> 'global_keys'
    ORDER BY 1
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR ALL
      USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;--> statement-breakpoint
-- The named ways across merchants (security definer: they run as the owner). Each is listed in
-- DEVELOPING.md with who calls it.
-- The merchant of a global key (API key hash, invitation token hash, OAuth state hash, shop claim).
CREATE OR REPLACE FUNCTION manifold_org_for_key(p_kind text, p_key text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT org_id FROM global_keys WHERE kind = p_kind AND key = p_key $$;--> statement-breakpoint
-- The merchants a person belongs to (sign-in, the merchant switcher).
CREATE OR REPLACE FUNCTION manifold_memberships_of(p_user_id uuid) RETURNS TABLE (org_id uuid, role text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT m.org_id, m.role FROM memberships m WHERE m.user_id = p_user_id $$;--> statement-breakpoint
-- The scheduler's scan: enabled automatic accounts whose next pull is due (merchant + account only).
CREATE OR REPLACE FUNCTION manifold_due_pull_accounts(p_now timestamptz, p_limit integer) RETURNS TABLE (org_id uuid, account_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT a.org_id, a.id FROM channel_accounts a
        WHERE a.status = 'enabled' AND a.pull_mode = 'auto' AND (a.next_pull_at IS NULL OR a.next_pull_at <= p_now)
        ORDER BY a.next_pull_at NULLS FIRST LIMIT p_limit $$;--> statement-breakpoint
REVOKE ALL ON FUNCTION manifold_org_for_key(text, text), manifold_memberships_of(uuid), manifold_due_pull_accounts(timestamptz, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION manifold_org_for_key(text, text), manifold_memberships_of(uuid), manifold_due_pull_accounts(timestamptz, integer) TO manifold_app;
