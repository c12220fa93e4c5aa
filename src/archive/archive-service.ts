/**
 * `casecam archive`: the data centre's side of the offload. It takes the devices'
 * `offload.uploaded` events from the broker, reads each case back from the bucket,
 * verifies it (verify-upload.ts), writes a signed receipt beside it and sends the
 * device `offload.confirm` naming the verified files; on any problem it writes no
 * receipt and sends `offload.reject` naming the files.
 *
 * Invariants:
 * - No state lives in this process: the receipt is in the bucket and the work arrives
 *   over MQTT, so several instances can run against one bucket and broker. With MQTT 5
 *   they share one subscription (`$share/<group>/…`), so each event goes to one of them.
 * - A confirmation is sent only after the receipt is stored.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { GetObjectLockConfigurationCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '../core/logger.js';
import { errorMessage } from '../core/errors.js';
import type { DeviceKey } from '../evidence/device-key.js';
import { EventSchema } from '../uplink/payloads.js';
import { RECEIPT_FILE, RECEIPT_SIG_FILE, receiptIndexKey } from '../offload/object-key.js';
import { signReceipt, RECEIPT_FORMAT, type Receipt } from './receipt.js';
import { verifyUploadedCase, type Verdict } from './verify-upload.js';
import type { KeyPin } from './key-pin.js';
import { SerialQueue } from '../core/serial-queue.js';

export interface ArchiveOptions {
  brokerUrl: string;
  username?: string;
  password?: string;
  /** mqtts://: the CA the broker's certificate must chain to, and the archive's client certificate. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  topicRoot: string;
  /** Shared-subscription group (MQTT 5); empty = a plain subscription with a persistent session. */
  group: string;
  clientId?: string;
  s3: S3Client;
  bucket: string;
  /** The device's registered key for each case (`--keys DIR` or `--registry DIR`: key-pin.ts). */
  pin: KeyPin;
  key: DeviceKey;
  log: Logger;
}

const CONFIRM_CHUNK = 100;

export class ArchiveService {
  readonly name = 'archive';
  private client: MqttClient | undefined;
  private readonly chain = new SerialQueue();
  private lockEnabled: boolean | undefined;
  /** Verdicts in this process (for tests and logs); the receipts in the bucket are the record. */
  readonly verdicts: Array<{ deviceId: string; caseId: string; verdict: Verdict }> = [];

  constructor(private readonly o: ArchiveOptions) {}

  async start(): Promise<void> {
    const { o } = this;
    const shared = o.group !== '';
    // Listen before the CONNACK: a resumed session's queued events arrive right behind it.
    const client = mqtt.connect(o.brokerUrl, {
      protocolVersion: 5,
      clientId: o.clientId ?? `casecam-archive-${randomUUID().slice(0, 8)}`,
      clean: shared,
      ...(shared ? {} : { properties: { sessionExpiryInterval: 7 * 24 * 3600 } }),
      username: o.username,
      password: o.password,
      ...(o.tls ?? {}),
      reconnectPeriod: 1000,
    });
    this.client = client;
    client.on('message', (topic, payload) => void this.onMessage(topic, payload));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const filter = `${o.topicRoot}/+/events`;
    await this.client.subscribeAsync(shared ? `$share/${o.group}/${filter}` : filter, { qos: 1 });
    o.log.info({ broker: o.brokerUrl, bucket: o.bucket, shared }, 'archive listening for offload.uploaded');
  }

  async stop(): Promise<void> {
    await this.chain.settled();
    await this.client?.endAsync();
  }

  private onMessage(topic: string, payload: Buffer): Promise<void> {
    const deviceId = topic.split('/').at(-2) ?? '';
    let event;
    try {
      event = EventSchema.parse(JSON.parse(payload.toString('utf8')));
    } catch {
      return Promise.resolve();
    }
    if (event.type !== 'offload.uploaded') return Promise.resolve();
    const caseId = String(event.caseId ?? '');
    /* eslint-disable @typescript-eslint/no-base-to-string -- fields of a parsed event payload: strings or absent */
    const keyBase = String(event.key ?? '');
    const manifestSha256 = String(event.manifestSha256 ?? '');
    const category = String(event.category ?? '');
    /* eslint-enable @typescript-eslint/no-base-to-string */
    return this.chain
      .run(() => this.handle({ deviceId, caseId, keyBase, manifestSha256, category }))
      .catch((err: unknown) => this.o.log.error({ err, deviceId, caseId }, 'archive check failed'));
  }

  private async handle(c: { deviceId: string; caseId: string; keyBase: string; manifestSha256: string; category: string }): Promise<void> {
    const { o } = this;
    const verdict = await verifyUploadedCase(o.s3, o.bucket, o.pin, c);
    this.verdicts.push({ deviceId: c.deviceId, caseId: c.caseId, verdict });
    if (verdict.notes.length) o.log.warn({ deviceId: c.deviceId, caseId: c.caseId, notes: verdict.notes }, 'the key pin has notes on this case');
    const cmdTopic = `${o.topicRoot}/${c.deviceId}/cmd`;
    if (!verdict.ok) {
      o.log.warn({ deviceId: c.deviceId, caseId: c.caseId, problems: verdict.problems }, 'uploaded case failed verification; no receipt, rejected');
      const problems = verdict.problems.slice(0, 50).map((p) => ({ ...(p.file ? { file: p.file.slice(0, 256) } : {}), reason: p.reason.slice(0, 1000) }));
      await this.send(cmdTopic, { action: 'offload.reject', caseId: c.caseId, problems });
      return;
    }
    const receipt = await this.receipt(c, verdict);
    const { json, sig } = signReceipt(receipt, o.key);
    await o.s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: `${c.keyBase}/${RECEIPT_FILE}`, Body: json, ContentType: 'application/json' }));
    await o.s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: `${c.keyBase}/${RECEIPT_SIG_FILE}`, Body: sig }));
    await o.s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: receiptIndexKey(c.keyBase), Body: json, ContentType: 'application/json' }));
    for (let i = 0; i < verdict.files.length; i += CONFIRM_CHUNK) {
      const files = verdict.files.slice(i, i + CONFIRM_CHUNK).map((f) => ({ file: f.file, sha256: f.sha256 }));
      await this.send(cmdTopic, { action: 'offload.confirm', caseId: c.caseId, receipt: `${c.keyBase}/${RECEIPT_FILE}`, files });
    }
    o.log.info({ deviceId: c.deviceId, caseId: c.caseId, files: verdict.files.length }, 'case verified; receipt written, device told');
  }

  private async receipt(c: { deviceId: string; caseId: string; keyBase: string; manifestSha256: string; category: string }, v: Verdict): Promise<Receipt> {
    const parts = c.keyBase.split('/');
    const days = await this.retentionDays(c.keyBase);
    return {
      format: RECEIPT_FORMAT,
      caseId: c.caseId,
      deviceId: c.deviceId,
      category: parts.at(-4) ?? c.category,
      unit: parts.at(-3) ?? '',
      bucket: this.o.bucket,
      key: c.keyBase,
      verifiedAt: new Date().toISOString(),
      verifiedBy: this.client?.options.clientId ?? 'casecam-archive',
      archiveKeyFingerprint: this.o.key.fingerprint,
      deviceKeyFingerprint: v.deviceKeyFingerprint!,
      manifestSha256: c.manifestSha256,
      openedAt: v.manifest!.case.openedAt,
      closedAt: v.manifest!.case.closedAt,
      files: v.files,
      retention: { days, enforcedByBucket: await this.objectLock(), legalHold: parts.at(-4) === 'incident' },
    };
  }

  private async retentionDays(keyBase: string): Promise<number | null> {
    const h = await this.o.s3.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: `${keyBase}/manifest.json` })).catch(() => undefined);
    const d = Number(h?.Metadata?.['retention-days']);
    return Number.isInteger(d) && d > 0 ? d : null;
  }

  /** Whether the bucket can enforce retention (S3 Object Lock); said once in the log when it cannot. */
  private async objectLock(): Promise<boolean> {
    if (this.lockEnabled === undefined) {
      const r = await this.o.s3.send(new GetObjectLockConfigurationCommand({ Bucket: this.o.bucket })).catch(() => undefined);
      this.lockEnabled = r?.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
      if (!this.lockEnabled) this.o.log.warn({ bucket: this.o.bucket }, 'the bucket has no Object Lock: retention classes are recorded in metadata and receipts but the bucket cannot enforce them');
    }
    return this.lockEnabled;
  }

  private async send(topic: string, body: Record<string, unknown>): Promise<void> {
    const payload = JSON.stringify({ requestId: `archive-${randomUUID()}`, ...body });
    await this.client!.publishAsync(topic, payload, { qos: 1 }).catch((err: unknown) => {
      throw new Error(`cannot send ${String(body.action)} to ${topic}: ${errorMessage(err)}`);
    });
  }
}
