// What the results panel pulls out of a step's run: the response to show and Lambda's log lines.
import type { JsonValue, StepRun } from './types';

function field(value: JsonValue | undefined, name: string): JsonValue | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value[name] : undefined;
}

/**
 * The log lines of a function that ran in the step: `LogLines` of a Lambda invocation (the tail
 * Lambda returns), or `log` of an API Gateway test invocation.
 */
export function logLines(run: StepRun): string[] {
  const response = run.action?.response;
  const lines = field(response, 'LogLines') ?? field(response, 'log');
  return Array.isArray(lines) ? lines.filter((line): line is string => typeof line === 'string') : [];
}

/** The response summary as indented JSON, without the log lines (shown on their own); `''` when empty. */
export function responseSummary(run: StepRun): string {
  const response = run.action?.response;
  if (response === undefined || response === null) return '';
  if (typeof response !== 'object' || Array.isArray(response)) return JSON.stringify(response, null, 2);
  const shown = Object.fromEntries(
    Object.entries(response).filter(([name, value]) => name !== 'LogLines' && name !== 'log' && value !== null),
  );
  return Object.keys(shown).length === 0 ? '' : JSON.stringify(shown, null, 2);
}
