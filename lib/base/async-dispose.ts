/** `Symbol.asyncDispose` where the runtime has it (Node ≥ 20.4), else the well-known fallback. */
export const asyncDispose: symbol = (Symbol as unknown as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for('nodejs.asyncDispose');
