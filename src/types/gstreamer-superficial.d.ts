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
  export class Pipeline {
    constructor(description: string);
    play(): void;
    pause(): void;
    stop(): void;
    sendEOS(): void;
    findChild(name: string): GstElement | undefined;
    pollBus(callback: (msg: BusMessage) => void): void;
  }
}
