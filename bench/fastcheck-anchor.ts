/**
 * The random-mode anchor of `npm run bench`: fast-check's
 * `fc.commands` + `fc.modelRun` driving the objtable model, one command class
 * per action of bench/MODEL.md section 5, each with its guard in `check`.
 * Prints the model steps per second (commands whose guard held and ran).
 */
import fc from 'fast-check';
import { ObjtableModel, type ObjState } from './objtable.js';

const P = Number(process.argv[2] ?? 5);
const runs = Number(process.argv[3] ?? 2000);
const model = new ObjtableModel({ P, K: 3, M: 2 });

interface Real { s: ObjState }
let steps = 0;

/** One action instance (thread, action id, slot) as a fast-check command. */
class ActionCommand implements fc.Command<object, Real> {
  constructor(readonly code: number) {}
  check(): boolean { return true; }
  run(_m: object, r: Real): void {
    if (!model.actions(r.s).includes(this.code)) return; // guard false: skipped
    r.s = model.nextState(r.s, this.code);
    steps++;
  }
  toString(): string { return model.label(this.code); }
}

const codes: number[] = [];
for (let i = 0; i < P; i++) for (let id = 1; id <= 10; id++) {
  if (id === 3 || id === 4) for (let k = 0; k < 3; k++) codes.push((i << 8) | (id << 4) | k);
  else codes.push((i << 8) | (id << 4));
}
const commands = codes.map((c) => fc.constant(new ActionCommand(c)));
const start = performance.now();
fc.assert(
  fc.property(fc.commands(commands, { size: 'max', maxCommands: 100 }), (cmds) => {
    fc.modelRun(() => ({ model: {}, real: { s: model.initStates()[0]! } }), cmds);
  }),
  { seed: 1, numRuns: runs },
);
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ steps, seconds, stepsPerSecond: Math.round(steps / seconds) }) + '\n');
