/**
 * A worker's JavaScript is a message relay with a heap of a few MB. The old-space cap is
 * far above that: it only turns a leak into a crash and a restart (a recorded gap)
 * instead of letting one worker eat the box. The young generation is kept small as it
 * never needs V8's default of up to 16 MB semi-spaces (at steady state the two caps
 * measured no RSS change, within noise: bench/README.md "cost").
 */
export const WORKER_EXEC_ARGV = ['--max-semi-space-size=1', '--max-old-space-size=64'];

/**
 * libuv's thread-pool size for a worker of `channels` channels. The binding's bus poll and
 * each appsink pull (media health, live) hold a pool thread for the pipeline's whole life,
 * and a live sender's bus one more while it runs, and for a moment two of them when a
 * stream is restarted while the old one is torn down: libuv's default of 4 left a
 * one-channel worker no spare, and a stream started right after a stop could starve.
 */
export const threadPoolFor = (channels: number): string => String(Math.min(1024, 4 + 3 * channels));
