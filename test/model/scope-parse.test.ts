/** parseScope and the variant switches (scope-parse.ts, scopes.ts, variants.ts). */
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../explorer/errors.js';
import { iommufdSpec } from '../../model/iommufd/index.js';
import { decodeVariant, PRESETS, SWITCHES } from '../../model/iommufd/scopes/variants.js';

const parse = (x: unknown) => iommufdSpec.parseScope(x);

describe('parseScope', () => {
  test('every named scope round-trips through JSON', () => {
    for (const [name, scope] of Object.entries(iommufdSpec.scopes)) {
      expect(parse(JSON.parse(JSON.stringify(scope))), name).toEqual(scope);
    }
  });

  const base = JSON.parse(JSON.stringify(iommufdSpec.scopes['count-race'])) as Record<string, unknown>;
  const bad: [string, unknown, RegExp][] = [
    ['unknown field', { ...base, devicez: [] }, /unknown field "devicez"; accepted: phases, iovas/],
    ['iovas out of range', { ...base, iovas: 9 }, /field "iovas" = 9; expected an integer from 1 to 8/],
    ['phases', { ...base, phases: 'full' }, /field "phases" = "full"; expected old-kernel/],
    ['hwpt ioas index', { ...base, hwpts: [{ ioas: 3 }] }, /field "hwpts\[0\].ioas" = 3; expected an integer from 0 to 0/],
    ['op name', { ...base, threads: [[{ op: 'frobnicate' }]] }, /field "threads\[0\]\[0\].op" = "frobnicate"; expected map_file, unmap/],
    ['op field', { ...base, threads: [[{ op: 'destroy', hwpt: 0, dev: 1 }]] }, /unknown field "threads\[0\]\[0\].dev"; accepted: op or hwpt/],
    ['file kind', { ...base, threads: [[{ op: 'preserve_fd', file: { kind: 'socket' }, token: 1 }]] }, /"threads\[0\]\[0\].file.kind" = "socket"; expected memfd, iommufd or cdev/],
    ['session only memfds', { ...base, session: [{ file: { kind: 'iommufd' }, token: 1 }] }, /session\[0\].file.kind" = "iommufd"; expected memfd/],
    ['seal name', { ...base, memfds: [{ pages: 1, seals: ['SEAL', 'GLOW'] }] }, /memfds\[0\].seals\[1\]" = "GLOW"; expected SEAL, SHRINK, GROW or WRITE/],
    ['failures type', { ...base, failures: { khoAlloc: 'yes' } }, /failures.khoAlloc" = "yes"; expected true or false/],
    ['no threads', { ...base, threads: [] }, /field "threads" = \[\]; expected at least one thread/],
    ['group domain', { ...base, devices: [{ group: 0, hwpt: 0 }, { group: 0, hwpt: 1 }] }, /devices\[1\].hwpt" = 1; expected hwpt 0/],
    ['not an object', [], /expected a JSON object/],
  ];
  for (const [what, json, msg] of bad) {
    test(`rejects: ${what}`, () => {
      expect(() => parse(json)).toThrow(UsageError);
      expect(() => parse(json)).toThrow(msg);
    });
  }
});

describe('variants', () => {
  test('presets set every switch to an accepted value; decode fills missing switches from fixed', () => {
    for (const p of Object.values(PRESETS)) {
      for (const sw of SWITCHES) expect(sw.values).toContain(p[sw.name]);
    }
    expect(decodeVariant({ seals: 'cached' })).toEqual({ ...decodeVariant(PRESETS['fixed']!), seals: 'cached' });
    expect(() => decodeVariant({ seals: 'sometimes' })).toThrow(/seals/);
  });
  test('v2 differs from fixed in exactly the switches the review named, and in what v2 lacks after kexec', () => {
    const diff = SWITCHES.map((s) => s.name).filter((n) => PRESETS['v2']![n] !== PRESETS['fixed']![n]);
    // verify: v2 has no radix-tree compare; finish: v2's iommufd can_finish is always false;
    // pagesNull: v2's page check reads an in-flight area's NULL pages; retrieve: v2's iommufd
    // retrieve is -EOPNOTSUPP; luRestore: the only posted LU_RESTORE (the RFC's) checks no memfd
    expect(diff).toEqual(['immutability', 'hwptCount', 'seals', 'allocCheck', 'verify', 'finish', 'pagesNull', 'retrieve', 'luRestore']);
  });
});
