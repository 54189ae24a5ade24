import type { Random } from '../random';
import type { LearnerState } from './learner-state';

/**
 * FLAML's learner choice (Wang, Wu, Weimer, Zhu: "FLAML: A Fast and Lightweight AutoML Library",
 * MLSys 2021), after one difference: every learner first gets one trial, cheapest first, so that a
 * short budget or a small trial cap still compares them all (FLAML tries an untried learner only
 * once its first trial costs less than every tried learner's estimate). Then a learner is drawn
 * with probability proportional to 1 / its estimated cost for improvement (ECI), so that time
 * goes where the search is expected to improve soonest while every learner keeps a chance.
 * A learner whose first trial is still running counts as tried.
 */
export function selectLearner(
  states: readonly LearnerState[],
  rng: Random,
  firstTrialCost: (state: LearnerState) => number,
): LearnerState | null {
  let untried: LearnerState | null = null;
  for (const state of states) {
    if (state.trials > 0 || state.pending > 0) continue;
    if (!untried || firstTrialCost(state) < firstTrialCost(untried)) untried = state;
  }
  if (untried) return untried;
  let globalBest = Infinity;
  for (const state of states) globalBest = Math.min(globalBest, state.bestLoss);
  const inverse = states.map(
    (state) => 1 / state.estimatedCostForImprovement(globalBest, firstTrialCost(state)),
  );
  const total = inverse.reduce((sum, value) => sum + value, 0);
  const draw = rng() * total;
  let cumulative = 0;
  for (const [index, value] of inverse.entries()) {
    cumulative += value;
    if (draw < cumulative) return states[index] as LearnerState;
  }
  return states[states.length - 1] ?? null;
}
