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

