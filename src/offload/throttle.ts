/**
 * A bandwidth cap shared by every routine upload: callers ask for bytes before sending
 * them and wait until the budget allows. The budget refills continuously at
 * `bytesPerSecond` and holds at most one second's worth (no bursts after idling).
 */
export class Throttle {
  private available = 0;
  private last = Date.now();

  constructor(private readonly bytesPerSecond: number) {}

  get unlimited(): boolean {
    return this.bytesPerSecond <= 0;
  }

  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.unlimited) return;
    this.refill();
    this.available -= bytes;
    if (this.available >= 0) return;
    const waitMs = (-this.available / this.bytesPerSecond) * 1000;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, waitMs);
      signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }

  private refill(): void {
    const now = Date.now();
    this.available = Math.min(this.bytesPerSecond, this.available + ((now - this.last) / 1000) * this.bytesPerSecond);
    this.last = now;
  }
}

/** Capped exponential backoff with full jitter on the upper half: `ceiling/2 + random·ceiling/2`. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
