/**
 * The models that ship with luocheck, by `--model` name.
 */
import type { AnyModelSpec } from '../explorer/spec.js';
import { objtableSpec } from '../bench/objtable-spec.js';
import { twoPhaseSpec } from './classic/twophase.js';
import { lostUpdateSpec } from './classic/lost-update.js';

export const MODELS: readonly AnyModelSpec[] = [objtableSpec, twoPhaseSpec, lostUpdateSpec];

export const DEFAULT_MODEL = 'bench';
