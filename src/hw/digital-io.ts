/**
 * The GPIO interface the rest of casecam sees: one input line (the counter button)
 * and output lines (recording lamp, buzzer). The onoff adapter (onoff-io.ts) and the
 * simulated twin (src/hw/sim/sim-gpio.ts) both implement it and pass one
 * contract suite (test/hw/digital-io-contract.ts).
 *
 * Levels are logical: 1 = pressed / lit / sounding, whatever the wiring's polarity
 * (active-low is the adapter's business).
 */
export type Level = 0 | 1;

export interface DigitalInput {
  read(): Promise<Level>;
  /** Every level change, raw (no debounce: see button-presses.ts). Returns an unsubscribe. */
  watch(listener: (level: Level) => void): () => void;
  close(): Promise<void>;
}

export interface DigitalOutput {
  write(level: Level): Promise<void>;
  read(): Promise<Level>;
  close(): Promise<void>;
}

/** A line as board profiles and config name it: chip label plus offset. */
export interface GpioLineRef {
  chip: string;
  line: number;
  activeLow?: boolean;
}
