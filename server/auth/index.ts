import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/db";
import { SignInInput } from "@/lib/validators/auth";
import { DomainError } from "@/server/errors";
import { getSecret } from "@/server/secrets";
import { verifyCredentials } from "@/server/services/auth/sign-in";
import { nextSessionToken, SESSION_IDLE_SECONDS } from "./session-token";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
    orgId: string | null;
  }
}

class RateLimited extends CredentialsSignin {
  code = "rate_limited";
}

export { SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS } from "./session-token";

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
    jwt({ token, user, trigger, session }) {
      return nextSessionToken(db, token, { user, trigger, session });
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.orgId = typeof token.orgId === "string" ? token.orgId : null;
      return session;
    },
  },
}));
