/**
 * The fleet side's own LevelDB (under `--data`), separate from any device's store.
 *
 * Layout (sublevel → key → value):
 *   meta      'meta'                                 {schemaVersion}
 *   devices   deviceId                               DeviceRecord (last known picture)
 *   status    deviceId \0 time                       StatusChange
 *   health    deviceId \0 time                       HealthRow (sampled, see fleet-history.ts)
 *   alarms    deviceId \0 raisedAt \0 kind \0 subject AlarmRow
 *   cases     deviceId \0 caseId                     CaseRow
 *   gaps      deviceId \0 time                       GapRow
 * Times are 15-digit zero-padded epoch ms, so key order is time order within a device.
 * Device IDs (contract: letters, digits, . _ -) and case IDs never contain \0.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Level } from 'level';
import type { Logger } from '../core/logger.js';
import { CasecamError, errorMessage } from '../core/errors.js';
import { Table, type StringSublevel } from '../store/table.js';
import {
  AlarmRowSchema,
  CaseRowSchema,
  DeviceRecordSchema,
  FLEET_SCHEMA_VERSION,
  FleetMetaSchema,
  GapRowSchema,
  HealthRowSchema,
  StatusChangeSchema,
} from './fleet-records.js';

/** One put of a batch: it names its own sublevel (Table.putOp makes them). */
export type FleetOp = ReturnType<Table<typeof DeviceRecordSchema>['putOp']>;

export const timeKey = (ms: number) => String(Math.max(0, Math.round(ms))).padStart(15, '0');
export const key = (...parts: string[]) => parts.join('\u0000');
/** Every key of one device in a `deviceId \0 …` table. */
export const deviceRange = (deviceId: string) => ({ gte: `${deviceId}\u0000`, lt: `${deviceId}\u0001` });

export class FleetStore {
  readonly meta: Table<typeof FleetMetaSchema>;
  readonly devices: Table<typeof DeviceRecordSchema>;
  readonly status: Table<typeof StatusChangeSchema>;
  readonly health: Table<typeof HealthRowSchema>;
  readonly alarms: Table<typeof AlarmRowSchema>;
  readonly cases: Table<typeof CaseRowSchema>;
  readonly gaps: Table<typeof GapRowSchema>;

  private constructor(
    private readonly db: Level<string, string>,
    log: Logger,
  ) {
    const sub = (name: string) => db.sublevel<string, string>(name, { valueEncoding: 'utf8' }) as unknown as StringSublevel;
    this.meta = new Table('fleet.meta', sub('meta'), FleetMetaSchema, log);
    this.devices = new Table('fleet.devices', sub('devices'), DeviceRecordSchema, log);
    this.status = new Table('fleet.status', sub('status'), StatusChangeSchema, log);
    this.health = new Table('fleet.health', sub('health'), HealthRowSchema, log);
    this.alarms = new Table('fleet.alarms', sub('alarms'), AlarmRowSchema, log);
    this.cases = new Table('fleet.cases', sub('cases'), CaseRowSchema, log);
    this.gaps = new Table('fleet.gaps', sub('gaps'), GapRowSchema, log);
  }

  /** Opens (or, unless `mustExist`, creates) the fleet database at `dir`. */
  static async open(dir: string, log: Logger, opts: { mustExist?: boolean } = {}): Promise<FleetStore> {
    if (opts.mustExist && !existsSync(path.join(dir, 'CURRENT'))) {
      throw new CasecamError('storage', `no fleet database at ${dir} (casecam fleet watch --data ${dir} fills it)`);
    }
    await mkdir(dir, { recursive: true });
    const db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') throw new CasecamError('storage', `the fleet database at ${dir} is in use by another casecam fleet process`);
      throw new CasecamError('storage', `cannot open the fleet database at ${dir}: ${errorMessage(cause ?? err)}`);
    }
    const store = new FleetStore(db, log);
    const meta = await store.meta.get('meta');
    if (!meta) await store.meta.put('meta', { schemaVersion: FLEET_SCHEMA_VERSION });
    else if (meta.schemaVersion !== FLEET_SCHEMA_VERSION) {
      await db.close();
      throw new CasecamError('storage', `the fleet database at ${dir} has schema ${meta.schemaVersion}; this casecam reads ${FLEET_SCHEMA_VERSION}`);
    }
    return store;
  }

  // The operations carry their own sublevel, so one batch spans tables atomically.
  async batch(ops: FleetOp[]): Promise<void> {
    if (ops.length) await this.db.batch(ops);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
