/**
 * Board profiles: hw/<id>.json, one per supported box. A profile names the GPIO lines
 * (by chip label and offset), the serial devices (stable udev names), the cameras and
 * the pipeline template (that is, the encoder) each camera uses. Validated here with
 * one schema; a profile naming a template that pipelines/ lacks is refused.
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { CasecamError, errorMessage } from '../core/errors.js';
import { ChannelSchema } from '../config/schema.js';
import { GpioLineSchema } from '../config/hw-schema.js';
import { PIPELINES_DIR } from '../media/pipeline-template.js';

export const HW_DIR = fileURLToPath(new URL('../../../hw/', import.meta.url));

export const BoardProfileSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string().min(1),
  arch: z.enum(['arm64', 'x86_64']),
  /** GPIO lines of the counter button, recording lamp and buzzer; null when the board has no header. */
  gpio: z
    .object({
      button: GpioLineSchema,
      lamp: GpioLineSchema,
      buzzer: GpioLineSchema.optional(),
      pins: z.string().optional(),
    })
    .nullable(),
  serial: z.object({
    gps: z.object({ path: z.string().min(1), baudRate: z.number().int() }),
    scanner: z.object({ path: z.string().min(1), baudRate: z.number().int() }),
  }),
  /** The default channels on this board; `template` is the encoder choice. */
  cameras: z.array(ChannelSchema).min(1).max(8),
  encoder: z.object({
    template: z.string().min(1),
    hardware: z.boolean(),
    note: z.string().min(1),
  }),
  notes: z.array(z.string()).default([]),
});
export type BoardProfile = z.infer<typeof BoardProfileSchema>;

export async function loadBoardProfile(id: string, dir = HW_DIR): Promise<BoardProfile> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new CasecamError('bad-config', `board profile name "${id}" is not a profile name`);
  const file = path.join(dir, `${id}.json`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const known = (await listBoardProfiles(dir).catch(() => [])).join(', ');
    throw new CasecamError('bad-config', `cannot read board profile ${file}: ${errorMessage(err)} (known: ${known})`);
  }
  const parsed = BoardProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CasecamError('bad-config', `board profile ${id}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const p = parsed.data;
  if (p.id !== id) throw new CasecamError('bad-config', `board profile ${file} says id "${p.id}"`);
  const templates = new Set((await readdir(PIPELINES_DIR)).filter((f) => f.endsWith('.pipeline')).map((f) => f.slice(0, -'.pipeline'.length)));
  for (const t of [p.encoder.template, ...p.cameras.map((c) => c.template)]) {
    if (!templates.has(t)) throw new CasecamError('bad-config', `board profile ${id}: no pipeline template "${t}" in pipelines/`);
  }
  return p;
}

export async function listBoardProfiles(dir = HW_DIR): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}
