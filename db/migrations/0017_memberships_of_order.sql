-- The merchant switcher and the account page list a person's merchants from a merchant's database
-- (row-level security shows that merchant's memberships only): through manifold_memberships_of, which
-- now also gives the membership's creation time so the list keeps its order (first joined first).
DROP FUNCTION IF EXISTS manifold_memberships_of(uuid);--> statement-breakpoint
CREATE FUNCTION manifold_memberships_of(p_user_id uuid) RETURNS TABLE (org_id uuid, role text, created_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT m.org_id, m.role, m.created_at FROM memberships m WHERE m.user_id = p_user_id $$;--> statement-breakpoint
REVOKE ALL ON FUNCTION manifold_memberships_of(uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION manifold_memberships_of(uuid) TO manifold_app;
