import test from 'ava';
import { parseLiveUrl, withoutCredentials } from '../../src/core/live-url.js';

test('srt and rtmp URLs are taken; credentials are kept out of what is shown', (t) => {
  t.like(parseLiveUrl('srt://127.0.0.1:9000'), { protocol: 'srt', url: 'srt://127.0.0.1:9000' });
  t.like(parseLiveUrl('srt://media.centre.example:9000'), { protocol: 'srt' });
  t.like(parseLiveUrl('srt://[::1]:9000'), { protocol: 'srt' });
  t.like(parseLiveUrl('rtmp://10.1.2.3/live/unit7-cam1'), { protocol: 'rtmp' });
  t.like(parseLiveUrl('rtmps://user:secret@live.example:443/app/key'), { protocol: 'rtmp', shown: 'rtmps://live.example:443/app/key' });
  t.is(withoutCredentials('rtmp://a:b@host/x/y'), 'rtmp://host/x/y');
});

test('anything else is refused with a reason', (t) => {
  const bad: Array<[string, RegExp]> = [
    ['file:///etc/passwd', /srt:\/\/ or rtmp:\/\//],
    ['http://host/x', /srt:\/\/ or rtmp:\/\//],
    ['srt://host:9000 ! filesink location=/tmp/x', /white space|"!"/],
    ['srt://host:9000!fakesink', /"!"/],
    ['srt://"host":9000', /quotes/],
    ["rtmp://host/live/'x'", /quotes/],
    ['srt://host:9000?mode=listener', /without options/],
    ['srt://host', /srt:\/\/host:port/],
    ['srt://host:99999', /srt:\/\/host:port/],
    ['rtmp://host', /rtmp:\/\/host/],
    ['srt://host:9000\u0000', /control/],
    [`rtmp://host/${'a'.repeat(600)}`, /at most 512/],
    ['', /no scheme/],
  ];
  for (const [url, reason] of bad) t.throws(() => parseLiveUrl(url), { message: reason }, url);
});
