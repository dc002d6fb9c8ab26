/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
/** p-th percentile (0–100), nearest rank. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
/** Milliseconds with one decimal. */
export const ms = (x: number) => `${x.toFixed(1)} ms`;

/** A core call's result, or an error naming the call: a benchmark stops at the first refusal and never times one. */
export function must<T>(r: { ok: true; result: T } | { ok: false; error: { code: string; message: string } }, what: string): T {
  if (!r.ok) throw new Error(`benchmark call ${what} failed: ${r.error.code}: ${r.error.message}`);
  return r.result;
}
