import test from 'ava';
import { checkCaseId, isValidCaseId } from '../../src/core/case-id.js';

test('agency case IDs with Chinese characters and brackets are accepted', (t) => {
  t.is(checkCaseId('淮交罚〔2018〕86号'), '淮交罚〔2018〕86号');
  t.true(isValidCaseId('A-2026/0001'.replace('/', '-')));
  t.true(isValidCaseId('x'.repeat(64)));
});

test('path-like, control-character, empty and over-long IDs are refused with a reason', (t) => {
  for (const bad of ['', '../etc/passwd', 'a/b', 'a\\b', '..', '.hidden', 'tab\there', 'nl\n', 'x'.repeat(65), ' lead', 'bidi\u202e', '\ud800x']) {
    const err = t.throws(() => checkCaseId(bad), undefined, JSON.stringify(bad));
    t.regex(err.message, /case ID/);
  }
  t.false(isValidCaseId(42));
  t.false(isValidCaseId(null));
});

test('length counts characters, not UTF-16 units', (t) => {
  t.true(isValidCaseId('𠀀'.repeat(64)));
  t.false(isValidCaseId('𠀀'.repeat(65)));
});

test('invisible and bidi formatting characters (Unicode Cf) are refused, with the code point named', (t) => {
  for (const cf of ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\u061c', '\u00ad', '\ufeff', '\u2066', '\u{e0001}']) {
    const err = t.throws(() => checkCaseId(`ab${cf}`), undefined, `U+${cf.codePointAt(0)!.toString(16)}`);
    t.regex(err.message, /invisible formatting character \(U\+[0-9A-F]{4,}\)/);
  }
  t.throws(() => checkCaseId('a\u2060b'));
});

test('IDs are returned in NFC: a precomposed and a decomposed accent are the same case ID', (t) => {
  const decomposed = 'Cas\u0065\u0301-1';
  const precomposed = 'Cas\u00e9-1';
  t.not(decomposed, precomposed);
  t.is(checkCaseId(decomposed), precomposed);
  t.is(checkCaseId(precomposed), precomposed);
  t.is(checkCaseId('淮交罚〔2018〕86号'), '淮交罚〔2018〕86号');
});
