import test from 'ava';
import { loadTemplate, parseTemplate, renderTemplate } from '../../src/media/pipeline-template.js';

const base = { fps: 25, gopSeconds: 1, segmentSeconds: 2, location: '/ring/cam1_1_%05d.mkv' };

test('every shipped template renders with its defaults and names mux (and osd where it decodes)', async (t) => {
  for (const name of ['test-av', 'v4l2-x264', 'rpi-v4l2h264enc', 'rockchip-mpp', 'rtsp-passthrough', 'replay']) {
    const tpl = await loadTemplate(name);
    const desc = renderTemplate(tpl, { ...base, template: name, params: {} });
    t.regex(desc, /splitmuxsink name=mux max-size-time=2000000000/, name);
    t.notRegex(desc, /\$\{/, name);
    if (name !== 'rtsp-passthrough') t.regex(desc, /name=osd/, name);
  }
});

test('GOP follows the configured seconds and frame rate', async (t) => {
  const tpl = await loadTemplate('test-av');
  t.regex(renderTemplate(tpl, { ...base, template: 'test-av', params: { fps: 30 } }), /key-int-max=30 /);
  t.regex(renderTemplate(tpl, { ...base, gopSeconds: 2, template: 'test-av', params: {} }), /key-int-max=50 /);
});

test('config values cannot splice elements into a pipeline', async (t) => {
  const tpl = await loadTemplate('test-av');
  t.throws(() => renderTemplate(tpl, { ...base, template: 'test-av', params: { pattern: 'smpte ! filesink location=/etc/x' } }), { message: /white space, quotes or "!"/ });
  t.throws(() => renderTemplate(tpl, { ...base, template: 'test-av', params: { nosuch: 1 } }), { message: /unknown parameter "nosuch"/ });
  t.throws(() => renderTemplate(tpl, { ...base, template: 'test-av', params: { location: '/x' } }), { message: /set by casecam/ });
  t.throws(() => renderTemplate(parseTemplate('t', 'videotestsrc pattern=${nope}'), { ...base, template: 't', params: {} }), { message: /declares no such parameter/ });
  await t.throwsAsync(loadTemplate('../etc/passwd'), { message: /bad pipeline template name/ });
});

test('every shipped template with audio tees its raw audio into the live muxer behind a closed valve', async (t) => {
  for (const name of ['test-av', 'v4l2-x264', 'rpi-v4l2h264enc', 'rockchip-mpp']) {
    const desc = renderTemplate(await loadTemplate(name), { ...base, template: name, params: {} });
    t.regex(desc, /level name=alevel[^!]*! tee name=liveatee liveatee\. ! queue name=liveaqueue leaky=downstream/, name);
    t.regex(desc, /valve name=liveavalve drop=true [^!]*! audioconvert ! voaacenc [^!]*! aacparse ! livemux\. liveatee\. ! /, name);
  }
  const tpl = await loadTemplate('test-av');
  t.throws(() => renderTemplate(tpl, { ...base, template: 'test-av', params: { liveAudio: 'fakesink' } }), { message: /set by casecam/ });
});
