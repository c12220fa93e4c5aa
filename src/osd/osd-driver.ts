/** Pushes the OSD text to every channel once a second (and at once when it changes). */
import type { Bus } from '../core/bus.js';
import { osdText, type Position } from './osd-text.js';

export interface OsdTarget {
  setOsd(text: string): void;
}

export class OsdDriver {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: {
      bus: Bus;
      targets: OsdTarget[];
      deviceId: string;
      officerId: () => string | undefined;
      caseIds: () => string[];
      position: () => Position | undefined;
      periodMs?: number;
    },
  ) {}

  start(): void {
    this.unsubscribe = this.deps.bus.on('osd.changed', () => this.render());
    this.timer = setInterval(() => this.render(), this.deps.periodMs ?? 1000);
    this.timer.unref();
    this.render();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
  }

  render(): void {
    const text = osdText({
      deviceId: this.deps.deviceId,
      officerId: this.deps.officerId(),
      caseIds: this.deps.caseIds(),
      position: this.deps.position(),
    });
    for (const t of this.deps.targets) t.setOsd(text);
  }
}
