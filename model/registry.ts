/**
 * The models that ship with luocheck, by `--model` name. The first is the
 * default: the iommufd live-update model.
 */
import type { AnyModelSpec } from '../explorer/spec.js';
import { objtableSpec } from '../bench/objtable-spec.js';
import { iommufdSpec } from './iommufd/index.js';
import { twoPhaseSpec } from './classic/twophase.js';
import { lostUpdateSpec } from './classic/lost-update.js';

export const MODELS: readonly AnyModelSpec[] = [iommufdSpec, objtableSpec, twoPhaseSpec, lostUpdateSpec];

export const DEFAULT_MODEL = 'iommufd';
