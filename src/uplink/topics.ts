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
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return topic.length > 0 && topic.length <= 256 && !/[#+\u0000-\u001f\u007f]/.test(topic);
}

/**
 * Whether a command's MQTT 5 response topic is one the device may answer on: the
 * prefix itself or a topic below it. Without this a command could make the device
 * publish on another device's `cmd` or overwrite its own retained `state`.
 */
export function isAllowedResponseTopic(topic: string, prefix: string): boolean {
  if (!isPublishableTopic(topic)) return false;
  const p = prefix.replace(/\/+$/, '');
  return topic === p || topic.startsWith(`${p}/`);
}
