/**
 * A worker's JavaScript is a message relay with a heap of a few MB. The old-space cap is
 * far above that: it only turns a leak into a crash and a restart (a recorded gap)
 * instead of letting one worker eat the box. The young generation is kept small as it
 * never needs V8's default of up to 16 MB semi-spaces (at steady state the two caps
 * measured no RSS change, within noise: bench/README.md "cost").
 */
export const WORKER_EXEC_ARGV = ['--max-semi-space-size=1', '--max-old-space-size=64'];
