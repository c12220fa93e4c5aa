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
