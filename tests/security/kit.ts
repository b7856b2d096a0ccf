/**
 * Helpers of the security suite (tests/security/README.md). Each file of the suite runs in its own
 * process (vitest forks), so changing process.env for the length of one call is contained.
 */

/** Run `fn` with some environment variables set (undefined: unset), then put them back. */
export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  fn: () => Promise<T> | T,
): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(before);
  }
}
