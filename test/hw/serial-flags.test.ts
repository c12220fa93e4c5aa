import test from 'ava';
import { parseConfig } from '../../src/config/load.js';
import { withSerialDevices } from '../../src/hw/serial-flags.js';

const base = parseConfig({ deviceId: 'X', kind: 'vehicle', channels: [{ id: 'cam1', template: 'test-av' }] });

test('--gps and --scanner take PATH[:BAUD] and override the config', (t) => {
  const c = withSerialDevices(base, { gps: '/dev/ttyUSB0:4800', scanner: '/tmp/scan' });
  t.deepEqual(c.serial.gps, { path: '/dev/ttyUSB0', baudRate: 4800 });
  t.deepEqual(c.serial.scanner, { path: '/tmp/scan', baudRate: 9600, patterns: [] });
  t.is(c.serial.gpsLostSeconds, 10);
  t.is(withSerialDevices(base, {}), base);
  const withPatterns = parseConfig({ ...base, serial: { scanner: { path: '/dev/a', baudRate: 115200, patterns: [{ pattern: 'X', action: 'ignore' }] } } });
  t.deepEqual(withSerialDevices(withPatterns, { scanner: '/dev/b' }).serial.scanner, { path: '/dev/b', baudRate: 115200, patterns: [{ pattern: 'X', action: 'ignore' }] });
});

test('a bad baud rate or an empty path is a usage error naming the flag', (t) => {
  t.throws(() => withSerialDevices(base, { gps: '/dev/ttyUSB0:1234' }), { message: /--gps: a standard baud rate/ });
  t.throws(() => withSerialDevices(base, { gps: '/dev/x:99' }), { message: /--gps: a standard baud rate/ });
  t.throws(() => withSerialDevices(base, { scanner: '' }), { message: /not a serial device/ });
});
