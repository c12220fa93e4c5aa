/** Topic names under `<root>/<deviceId>/` (see docs/mqtt.md). */
export interface DeviceTopics {
  base: string;
  status: string;
  state: string;
  health: string;
  inventory: string;
  events: string;
  cmd: string;
  reply: string;
  selfcheck: string;
}

export function deviceTopics(root: string, deviceId: string): DeviceTopics {
  const base = `${root}/${deviceId}`;
  return {
    base,
    status: `${base}/status`,
    state: `${base}/state`,
    health: `${base}/health`,
    inventory: `${base}/inventory`,
    events: `${base}/events`,
    cmd: `${base}/cmd`,
    reply: `${base}/cmd/reply`,
    selfcheck: `${base}/selfcheck`,
  };
}

/** An MQTT 5 response topic we may publish to: no wildcards, no control characters, bounded. */
export function isPublishableTopic(topic: string): boolean {
  return topic.length > 0 && topic.length <= 256 && !/[#+\u0000-\u001f\u007f]/.test(topic);
}
