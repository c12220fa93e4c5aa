/**
 * One handle per named element of a running pipeline, found once and reused.
 *
 * Why: gstreamer-superficial builds a new JavaScript wrapper on every findChild(), and
 * V8 keeps each wrapper's per-property accessor templates for the life of the process
 * (they are cached by the context, never collected): about 36 templates, some 20 KB of
 * heap, per lookup of a text overlay. The worker looked the overlay up on every OSD
 * change, which with a moving GPS fix is every second; that was a leak of tens of MB an
 * hour, ending in the worker's heap cap, a crash and a gap. Invariant: at most one
 * lookup per element name for the life of the pipeline (the names are the template's).
 */
import type * as Gst from 'gstreamer-superficial';

export class ElementHandles {
  private readonly found = new Map<string, Gst.GstElement | undefined>();

  constructor(private readonly pipeline: Pick<Gst.Pipeline, 'findChild'>) {}

  get(name: string): Gst.GstElement | undefined {
    if (!this.found.has(name)) this.found.set(name, this.pipeline.findChild(name));
    return this.found.get(name);
  }
}
