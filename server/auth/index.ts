import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { cookies } from "next/headers";
import { db } from "@/db";
import { SignInInput } from "@/lib/validators/auth";
import { DomainError } from "@/server/errors";
import { clientAddress } from "@/server/http/client-address";
import { cookieValue } from "@/server/http/cookies";
import { getSecret } from "@/server/secrets";
import { verifyCredentials } from "@/server/services/auth/sign-in";
import { endTokenSession, nextSessionToken, SESSION_IDLE_SECONDS } from "./session-token";

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

/** The device cookie (server/services/auth/sign-in.ts): a browser that signed in to an account before. */
const DEVICE_COOKIE = "mf_device";

const overHttps = (request: Request | undefined) =>
  request?.headers.get("x-forwarded-proto") === "https" ||
  (!!request && new URL(request.url).protocol === "https:");

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
          const user = await verifyCredentials(db, {
            ...parsed.data,
            ip: clientAddress(request?.headers),
            deviceToken: cookieValue(request, DEVICE_COOKIE),
          });
          (await cookies()).set(DEVICE_COOKIE, user.deviceToken, {
            httpOnly: true,
            sameSite: "lax",
            secure: overHttps(request),
            path: "/",
            maxAge: 365 * 24 * 3600,
          });
          return { id: user.id, email: user.email, name: user.name };
        } catch (e) {
          if (e instanceof DomainError && e.code === "RATE_LIMITED") throw new RateLimited();
          if (e instanceof DomainError && e.code === "UNAUTHORIZED") return null;
          throw e;
        }
      },
    }),
  ],
  events: {
    // A copy of the cookie must not outlive the sign-out.
    async signOut(message) {
      if ("token" in message) await endTokenSession(db, message.token);
    },
  },
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
