import { z } from 'zod';

/** A channel's ID: it names segment files, MQTT fields and live stream IDs. */
export const ChannelIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-", at most 32, e.g. "cam1"')
  .meta({ docType: '`[a-z0-9-]`, ≤ 32', description: 'channel ID, part of segment names' });
