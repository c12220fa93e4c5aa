import test from 'ava';
import { osdText } from '../../src/osd/osd-text.js';

test('the watermark names device, officer, case and position', (t) => {
  const text = osdText({ deviceId: 'BOX-1', officerId: 'OFC-7', caseIds: ['淮交罚〔2018〕86号'], position: { lat: 33.5012345, lon: 119.1, speedKmh: 42.4 } });
  t.is(text, 'DEV BOX-1  OFC OFC-7\nCASE 淮交罚〔2018〕86号\nGPS 33.50123,119.10000 42km/h\n');
});

test('without a case or a fix it says so', (t) => {
  const text = osdText({ deviceId: 'BOX-1', caseIds: [] });
  t.regex(text, /OFC -/);
  t.regex(text, /CASE -/);
  t.regex(text, /GPS no fix/);
});
