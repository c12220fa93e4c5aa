// The binding ships no types; this is the part of its surface casecam uses.
declare module 'gstreamer-superficial' {
  export interface BusMessage {
    type: string;
    name?: string;
    message?: string;
    _src_element_name?: string;
    [field: string]: unknown;
  }
  export interface GstElement {
    [property: string]: unknown;
  }
  /** An appsink: `pull` waits on a worker thread and calls back once per buffer or caps change (neither: end of stream). */
  export interface AppSink extends GstElement {
    pull(callback: (buf: Buffer | undefined, caps: unknown) => void): void;
  }
  /** An appsrc: `push` copies the buffer into the element's queue and returns at once (block=false). */
  export interface AppSrc extends GstElement {
    push(buf: Buffer): void;
  }
  export class Pipeline {
    constructor(description: string);
    /** GstPipeline's auto-flush-bus: flush the bus when the pipeline goes to NULL (default true). */
    'auto-flush-bus': boolean;
    play(): void;
    pause(): void;
    stop(): void;
    sendEOS(): void;
    findChild(name: string): GstElement | undefined;
    pollBus(callback: (msg: BusMessage) => void): void;
    /** Sends an upstream force-key-unit event from the named element's sink pad. */
    forceKeyUnit(name: string, count: number): boolean;
  }
}
