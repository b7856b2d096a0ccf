/** Shared by the bench scripts: a concurrent runner that measures throughput and latency. */

export type BenchResult = { seconds: number; rate: number; p50: number; p95: number; ok: number; failed: number; firstError?: string };

/** Run `n` operations on `workers` concurrent loops (each op gets its index); failures are counted, not timed. */
export async function runConcurrent(n: number, workers: number, op: (i: number) => Promise<void>): Promise<BenchResult> {
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const s = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - s);
        } catch (e) {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { seconds, rate: latencies.length / seconds, p50: q(0.5), p95: q(0.95), ok: latencies.length, failed, firstError };
}
