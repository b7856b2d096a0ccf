import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/db";
import { SignInInput } from "@/lib/validators/auth";
import { DomainError } from "@/server/errors";
import { getSecret } from "@/server/secrets";
import { verifyCredentials } from "@/server/services/auth/sign-in";
import { getMembership } from "@/server/services/orgs/orgs";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
    orgId: string | null;
  }
}

class RateLimited extends CredentialsSignin {
  code = "rate_limited";
}

/** Idle timeout (the session cookie slides while in use) and absolute lifetime of a sign-in. */
export const SESSION_IDLE_SECONDS = 8 * 3600;
export const SESSION_ABSOLUTE_SECONDS = 24 * 3600;

function clientIp(request: Request | undefined): string {
  const fwd = request?.headers.get("x-forwarded-for");
  return fwd?.split(",")[0]?.trim() || request?.headers.get("x-real-ip") || "local";
}

export const { handlers, auth, signIn, signOut, unstable_update } = NextAuth(() => ({
  trustHost: true,
  secret: getSecret("AUTH_SECRET"),
  session: { strategy: "jwt", maxAge: SESSION_IDLE_SECONDS, updateAge: 5 * 60 },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const parsed = SignInInput.safeParse(credentials);
        if (!parsed.success) return null;
        try {
          const user = await verifyCredentials(db, { ...parsed.data, ip: clientIp(request) });
          return { id: user.id, email: user.email, name: user.name };
        } catch (e) {
          if (e instanceof DomainError && e.code === "RATE_LIMITED") throw new RateLimited();
          if (e instanceof DomainError && e.code === "UNAUTHORIZED") return null;
          throw e;
        }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user, trigger, session }) {
      const now = Math.floor(Date.now() / 1000);
      if (user) {
        token.sub = user.id;
        token.orgId = null;
        token.authAt = now;
      }
      if (typeof token.authAt === "number" && now - token.authAt > SESSION_ABSOLUTE_SECONDS) return null;
      if (trigger === "update" && token.sub && typeof session?.orgId === "string") {
        // Switching merchant: only to one the user belongs to.
        const m = await getMembership(db, token.sub, session.orgId);
        if (m) token.orgId = m.orgId;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.orgId = typeof token.orgId === "string" ? token.orgId : null;
      return session;
    },
  },
}));
