/**
 * The drift statistics, one file each, resolved by name. A statistic is either a test (drift when
 * its p-value < threshold) or a distance (drift when the distance ≥ threshold); the defaults are
 * Evidently's. Which one judges a feature by default follows Evidently's rule (defaultStatistic).
 */
import type { BinnedComparison, ColumnKind, StatisticResult } from './binned.js';
import { chiSquareTest } from './chi-square.js';
import { jensenShannon } from './jensen-shannon.js';
import { ksTest } from './ks.js';
import { psi } from './psi.js';
import { wasserstein } from './wasserstein.js';
import { zTest } from './z-test.js';
import { OrtexError } from '../../base/errors.js';

export type { BinnedComparison, ColumnKind, StatisticResult } from './binned.js';

export interface DriftStatistic {
  readonly name: StatisticName;
  readonly title: string;
  /** 'p-value': drift when pValue < threshold; 'distance': drift when statistic ≥ threshold. */
  readonly kind: 'p-value' | 'distance';
  readonly defaultThreshold: number;
  /** Column kinds it is defined for (KS and Wasserstein need ordered, numeric bins). */
  readonly appliesTo: readonly ColumnKind[];
  compute(c: BinnedComparison): StatisticResult;
}

export type StatisticName = 'ks' | 'chisquare' | 'z' | 'psi' | 'jensenshannon' | 'wasserstein';

export const STATISTICS: Readonly<Record<StatisticName, DriftStatistic>> = Object.freeze({
  ks: {
    name: 'ks',
    title: 'Kolmogorov–Smirnov two-sample test',
    kind: 'p-value',
    defaultThreshold: 0.05,
    appliesTo: ['numeric'],
    compute: (c) => ksTest(c),
  },
  chisquare: {
    name: 'chisquare',
    title: 'chi-square test of homogeneity',
    kind: 'p-value',
    defaultThreshold: 0.05,
    appliesTo: ['numeric', 'categorical'],
    compute: chiSquareTest,
  },
  z: {
    name: 'z',
    title: 'two-proportion z-test',
    kind: 'p-value',
    defaultThreshold: 0.05,
    appliesTo: ['numeric', 'categorical'],
    compute: zTest,
  },
  psi: {
    name: 'psi',
    title: 'Population Stability Index',
    kind: 'distance',
    defaultThreshold: 0.1,
    appliesTo: ['numeric', 'categorical'],
    compute: psi,
  },
  jensenshannon: {
    name: 'jensenshannon',
    title: 'Jensen–Shannon distance',
    kind: 'distance',
    defaultThreshold: 0.1,
    appliesTo: ['numeric', 'categorical'],
    compute: jensenShannon,
  },
  wasserstein: {
    name: 'wasserstein',
    title: 'Wasserstein distance (normed)',
    kind: 'distance',
    defaultThreshold: 0.1,
    appliesTo: ['numeric'],
    compute: wasserstein,
  },
});

/** The statistic called `name`; ERR_INVALID_ARGUMENT naming the known ones otherwise. */
export function statistic(name: string, what = 'a drift statistic'): DriftStatistic {
  if (!Object.hasOwn(STATISTICS, name)) {
    throw new OrtexError('ERR_INVALID_ARGUMENT', `expected one of ${Object.keys(STATISTICS).join(', ')} for ${what}, received "${name}"`);
  }
  return STATISTICS[name as StatisticName];
}

/**
 * Evidently's default test for a column: with a reference of at most 1000 rows, KS for a numeric
 * column with more than 5 distinct values, else chi-square (more than 2 values) or the z-test;
 * with a larger reference, normed Wasserstein for a numeric column with more than 5 values, else
 * Jensen–Shannon. Evidently counts distinct values over reference and current together; the
 * monitor decides once, from the reference profile, so a feature's test never changes with traffic.
 */
export function defaultStatistic(kind: ColumnKind, referenceRows: number, distinctValues: number): DriftStatistic {
  if (referenceRows <= 1000) {
    if (kind === 'numeric' && distinctValues > 5) return STATISTICS.ks;
    return distinctValues > 2 ? STATISTICS.chisquare : STATISTICS.z;
  }
  if (kind === 'numeric' && distinctValues > 5) return STATISTICS.wasserstein;
  return STATISTICS.jensenshannon;
}
