/** One error type: the code is what callers and replies test, never the class or the message. */
import test from 'ava';
import { CasecamError, errorMessage, exitStatus, isCasecamError } from '../../src/core/errors.js';

test('the guard tells a CasecamError, and one of a given code, from anything else', (t) => {
  const err = new CasecamError('refused-by-broker', 'not authorised');
  t.true(isCasecamError(err));
  t.true(isCasecamError(err, 'refused-by-broker'));
  t.false(isCasecamError(err, 'storage'));
  t.false(isCasecamError(new Error('not authorised')));
  t.false(isCasecamError({ code: 'storage', message: 'looks like one' }));
  t.is(err.name, 'CasecamError');
  t.is(errorMessage(err), 'not authorised');
  t.is(new CasecamError('storage', 'disk gone', { cause: err }).cause, err);
});

test('the CLI exits 2 for a usage mistake and 1 for any other failure', (t) => {
  t.is(exitStatus(new CasecamError('usage', 'expected "journal verify"')), 2);
  t.is(exitStatus(new CasecamError('case-not-found', 'no case "x"')), 1);
  t.is(exitStatus(new Error('boom')), 1);
  t.is(exitStatus('a string'), 1);
});
