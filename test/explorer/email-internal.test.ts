/**
 * The email's step lines leave out the fields a model declares internal
 * (Model.internalFields), and nothing else; json keeps them. Text is ASCII.
 */
import { describe, expect, it } from 'vitest';
import { isInternal, toAscii, visibleChanges } from '../../explorer/render/email.js';
import { run } from '../render/helpers.js';

describe('internal fields and ASCII in --format email', () => {
  it('matches paths under a pattern, "*" standing for one key or index', () => {
    expect(isInternal('threads.T1.pc', ['threads.*.pc'])).toBe(true);
    expect(isInternal('pc[1]', ['pc'])).toBe(true);
    expect(isInternal('threads.T1.nr', ['threads.*.pc'])).toBe(false);
    expect(isInternal('hwpts[0].alive', ['pc'])).toBe(false);
    expect(visibleChanges({ x: 0, pc: [0] }, { x: 1, pc: [1] }, ['pc'])).toBe('x: 0 -> 1');
    expect(visibleChanges({ pc: [0] }, { pc: [1] }, ['pc'])).toBe('');
  });

  it('spells typography in ASCII and marks anything else', () => {
    expect(toAscii('a → b — c “d” é')).toBe('a -> b - c "d" <U+00E9>');
  });

  it('lostupdate declares pc internal: the email leaves it out, json keeps it', () => {
    const mail = run('check', '--model', 'lostupdate', '--format', 'email').out;
    expect(mail).not.toMatch(/pc\[/);
    expect(mail).toMatch(/x: 0 -> 1/);
    const json = JSON.parse(run('check', '--model', 'lostupdate', '--format', 'json').out);
    expect(json.violations[0].trace[1].state.pc).toBeDefined();
  });
});
