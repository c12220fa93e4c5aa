/** One measurement of a bench: its name goes to stderr; a failure is reported in its place and the others still run. */
export async function step<T>(progress: (s: string) => void, what: string, fn: () => Promise<T>): Promise<T | { error: string }> {
  progress(what);
  try {
    return await fn();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
