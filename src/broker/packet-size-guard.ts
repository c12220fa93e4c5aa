/**
 * Sits between a client's socket and the broker's MQTT parser and ends the connection
 * as soon as a packet announces a body longer than `maxBytes`. The parser alone would
 * buffer the whole packet (up to 256 MB, the protocol's limit) before anyone could
 * look at it. Bytes pass through unchanged; only the fixed headers are read.
 */
import { Transform, type TransformCallback } from 'node:stream';

export class PacketTooLarge extends Error {}

export class PacketSizeGuard extends Transform {
  /** Bytes of the current packet's body still to pass; -1 while reading a fixed header. */
  private bodyLeft = -1;
  private headerSeen = false;
  private length = 0;
  private multiplier = 1;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        if (this.bodyLeft === 0) this.bodyLeft = -1;
        continue;
      }
      const byte = chunk[i++]!;
      if (!this.headerSeen) {
        this.headerSeen = true;
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      // Remaining length: up to four 7-bit groups, least significant first.
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if (this.length > this.maxBytes) return done(new PacketTooLarge(`packet of more than ${this.maxBytes} bytes refused`));
      if ((byte & 0x80) !== 0) {
        if (this.multiplier > 128 ** 3) return done(new PacketTooLarge('malformed packet length'));
        continue;
      }
      this.headerSeen = false;
      this.bodyLeft = this.length === 0 ? -1 : this.length;
    }
    done(null, chunk);
  }
}
