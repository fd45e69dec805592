import jsonLogicModule from 'json-logic-js';

type JsonLogic = { apply(rule: unknown, data: unknown): unknown };
// json-logic-js is CommonJS; take its namespace either way.
const jsonLogic = ((jsonLogicModule as unknown as { default?: JsonLogic }).default ?? jsonLogicModule) as JsonLogic;

/**
 * Evaluates an automatic step's rule (JSON Logic) over the application's data and evidence. A rule that throws or
 * does not come out as true does not pass: an automatic step may only shortcut, never decide on missing facts.
 */
export function rulePasses(rule: unknown, facts: { data: Record<string, unknown>; evidence: Record<string, unknown> }): boolean {
  try {
    return jsonLogic.apply(rule, facts) === true;
  } catch {
    return false;
  }
}

/** The evidence keys a rule reads (`{"var": "evidence.KEY…"}`), so that a register that did not answer is named. */
export function evidenceKeysOf(rule: unknown): Set<string> {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [op, arg] of Object.entries(node)) {
      const path = op === 'var' ? (Array.isArray(arg) ? arg[0] : arg) : undefined;
      const match = typeof path === 'string' ? /^evidence\.([^.]+)/.exec(path) : null;
      if (match) keys.add(match[1]);
      else walk(arg);
    }
  };
  walk(rule);
  return keys;
}
