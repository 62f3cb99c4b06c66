/**
 * The JS half of the addon's lone-caller check (native/addon_data.h, `loneCaller`). A run
 * measured somewhat over the inline threshold stays on the JS thread only for a lone caller: the
 * addon marks such a run (state 1), and the next run may do the same only once a microtask has
 * run since — a single caller cannot ask for its next run sooner (its result reaches it through
 * the microtask queue), while concurrent callers ask in the same stretch of JS and so go to the
 * run pool, where their runs overlap. Call after every native run call that did not leave the
 * JS thread, whether it returned or threw.
 */
import { binding } from './runtime.js';

let state: Int32Array | undefined;
const consumed = (): void => {
  if (state) state[0] = 0;
};

export function afterInlineRun(): void {
  state ??= binding().loneCaller;
  if (state[0] === 1) {
    state[0] = 2;
    queueMicrotask(consumed);
  }
}
