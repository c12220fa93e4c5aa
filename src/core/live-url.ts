/**
 * Where a live stream may go: `srt://host:port` (caller mode; passphrase and stream ID
 * come from config, never from the URL) or `rtmp://host[:port]/app/stream` (`rtmps://`
 * too). Anything else is refused with a reason: other schemes (file://), URL options
 * that would change what the device does (an SRT `?mode=listener` would open a port on
 * the box), pipeline syntax, quotes, white space, control characters, over-long URLs.
 * The URL is only ever set as an element property, but is checked all the same.
 */
import { CasecamError } from './errors.js';

export const MAX_URL_LENGTH = 512;

export interface LiveTarget {
  protocol: 'srt' | 'rtmp';
  url: string;
  /** The URL as state, events and logs may show it: without user name or password. */
  shown: string;
}

const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])`;
const PORT = String.raw`(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})`;
const SRT_URL = new RegExp(`^srt://${HOST}:${PORT}$`);
const RTMP_URL = new RegExp(String.raw`^rtmps?://(?:[A-Za-z0-9._~%-]+(?::[A-Za-z0-9._~%-]*)?@)?${HOST}(?::${PORT})?(?:/[A-Za-z0-9._~%-]+)+$`);


export function parseLiveUrl(url: string): LiveTarget {
  if (url.length > MAX_URL_LENGTH) throw new CasecamError('bad-request', `live URL is ${url.length} characters; at most ${MAX_URL_LENGTH}`);
  // eslint-disable-next-line no-control-regex
  if (/[\s!"'`\\<>{}|^\u0000-\u001f\u007f]/.test(url)) throw new CasecamError('bad-request', 'live URL has white space, quotes, "!" or control characters');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'srt') {
    if (!SRT_URL.test(url)) throw new CasecamError('bad-request', 'an SRT live URL is srt://host:port, without options (passphrase and stream ID come from config)');
    return { protocol: 'srt', url, shown: url };
  }
  if (scheme === 'rtmp' || scheme === 'rtmps') {
    if (!RTMP_URL.test(url)) throw new CasecamError('bad-request', 'an RTMP live URL is rtmp://host[:port]/app/stream');
    return { protocol: 'rtmp', url, shown: withoutCredentials(url) };
  }
  throw new CasecamError('bad-request', `live URL must be srt:// or rtmp://, got ${scheme ? `${scheme}://` : 'no scheme'}`);
}

export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
