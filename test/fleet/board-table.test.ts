/**
 * The terminal board keeps Chinese text aligned: every line of the table has the same
 * display width (CJK and full-width characters count two columns, as a terminal draws them).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { BoardModel } from '../../src/fleet/board-model.js';
import { boardRows } from '../../src/fleet/board-rows.js';
import { renderBoard } from '../../src/fleet/board-table.js';

const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const width = (line: string) => [...line].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);

test('every line of the board is as wide as the others, with Chinese units, sites and case IDs', (t) => {
  const model = new BoardModel();
  const lines = readFileSync(new URL('../../../test/fleet/fixtures/board-sequence.jsonl', import.meta.url), 'utf8').trim().split('\n');
  let at = 0;
  for (const l of lines.slice(0, 16)) {
    const m = JSON.parse(l) as { at: number; topic: string; retain: boolean; text: string };
    model.applyRaw(m.topic, m.text, m.retain, m.at);
    at = m.at;
  }
  const text = renderBoard(boardRows(model, at), at);
  const [summary, ...table] = text.split('\n');
  t.is(summary, '3 devices: 2 online, 1 offline, 1 recording, 2 with problems, 1 active alarms');
  t.true(table.some((l) => l.includes('淮交罚〔2018〕86号')), 'the case ID is shown whole');
  t.true(table.some((l) => l.includes('行政许可科')));
  const widths = new Set(table.map(width));
  t.is(widths.size, 1, `line widths differ: ${[...widths].join(', ')}`);
  t.false(text.includes('\u001b['), 'no colour codes unless asked for (piped output stays plain)');
});
