/**
 * Test helpers for the trace renderers: run the CLI in-process with the
 * shipped models plus the test fixture models, and collect its output.
 */
import { main, type Io } from '../../explorer/cli/cli.js';
import type { AnyModelSpec } from '../../explorer/spec.js';
import { MODELS } from '../../model/registry.js';
import { preserveRaceSpec } from '../fixtures/preserve-race.js';

export const TEST_MODELS: readonly AnyModelSpec[] = [...MODELS, preserveRaceSpec];

export function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  const code = main(argv, io, TEST_MODELS);
  return { code, out, err };
}

/** Every known-bug case that must be violated, with the command-line flags that run it. */
export function violatingCases(): { model: string; id: string; args: string[] }[] {
  return TEST_MODELS.flatMap((m) =>
    (m.cases ?? [])
      .filter((c) => c.expect === 'violation')
      .map((c) => ({
        model: m.name,
        id: c.id,
        args: ['--model', m.name, '--scope', c.scope, '--variant', Object.hasOwn(m.presets, 'fixed') ? 'fixed' : m.defaultPreset, ...Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`])],
      })),
  );
}
