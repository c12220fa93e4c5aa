/** One GPS fix of the 1 Hz track (written from the field-hardware GPS source). */
import { z } from 'zod';

export const GpsFixSchema = z.object({
  at: z.number(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  speedKmh: z.number().optional(),
  course: z.number().optional(),
  fixQuality: z.number().int().optional(),
  satellites: z.number().int().optional(),
  hdop: z.number().optional(),
});
export type GpsFix = z.infer<typeof GpsFixSchema>;
