/**
 * One LevelDB sublevel holding one kind of value, validated with its zod schema on
 * the way in and on the way out.
 */
import type { AbstractSublevel } from 'abstract-level';
import type { z } from 'zod';
import type { Logger } from '../core/logger.js';

// The sublevel type is generic over its parent; this project only uses string keys and values.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StringSublevel = AbstractSublevel<any, string | Buffer | Uint8Array, string, string>;

/** One write of a Store.batch(): it names its own sublevel (Table.putOp/delOp make them). */
export type BatchOp =
  | { type: 'put'; sublevel: StringSublevel; key: string; value: string }
  | { type: 'del'; sublevel: StringSublevel; key: string };

export class Table<S extends z.ZodType> {
  constructor(
    readonly name: string,
    /** The store's own: other modules use the Store's named queries (tests may damage rows through it). */
    readonly sub: StringSublevel,
    private readonly schema: S,
    private readonly log: Logger,
  ) {}

  /** Parse and validate one stored value; a bad one is logged and comes back undefined. */
  decode(key: string, raw: string | undefined): z.infer<S> | undefined {
    if (raw === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.log.error({ table: this.name, key }, 'stored value is not JSON; skipped');
      return undefined;
    }
    const result = this.schema.safeParse(json);
    if (!result.success) {
      this.log.error({ table: this.name, key, issues: result.error.issues }, 'stored value fails its schema; skipped');
      return undefined;
    }
    return result.data;
  }

  encode(value: z.infer<S>): string {
    return JSON.stringify(this.schema.parse(value));
  }

  async get(key: string): Promise<z.infer<S> | undefined> {
    return this.decode(key, await this.sub.get(key));
  }

  async put(key: string, value: z.infer<S>): Promise<void> {
    await this.sub.put(key, this.encode(value));
  }

  async del(key: string): Promise<void> {
    await this.sub.del(key);
  }

  /** Delete these keys in one batch of this table alone. */
  async delMany(keys: string[]): Promise<void> {
    await this.sub.batch(keys.map((key) => ({ type: 'del' as const, key })));
  }

  /** Entries in key order, optionally within [gte, lt). */
  async entries(range: { gte?: string; lt?: string; reverse?: boolean; limit?: number } = {}): Promise<Array<[string, z.infer<S>]>> {
    const out: Array<[string, z.infer<S>]> = [];
    for await (const [key, raw] of this.sub.iterator(range)) {
      const value = this.decode(key, raw);
      if (value !== undefined) out.push([key, value]);
    }
    return out;
  }

  async values(range: { gte?: string; lt?: string; reverse?: boolean; limit?: number } = {}): Promise<Array<z.infer<S>>> {
    return (await this.entries(range)).map(([, v]) => v);
  }

  /** A batch operation for Store.batch(), so several tables change atomically. */
  putOp(key: string, value: z.infer<S>): BatchOp {
    return { type: 'put' as const, sublevel: this.sub, key, value: this.encode(value) };
  }

  delOp(key: string): BatchOp {
    return { type: 'del' as const, sublevel: this.sub, key };
  }
}
