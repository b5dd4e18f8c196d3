// A step's form as plain data: the values it starts with, what a field's input turns into,
// which problems belong to which field, and the learner's drafts kept between visits. The rules
// themselves live in Rust (`awslab_lab::fields`), so the app, the CLI and the engine agree; the
// form asks `validateForm` as the learner types.
import type { FieldKind, FieldProblem, FieldView, FormValues, JsonValue, Localized, StepView } from './types';

/** What an empty field of `kind` holds. */
export function emptyValue(kind: FieldKind): JsonValue {
  switch (kind.kind) {
    case 'number':
      return null;
    case 'multi_select':
      return [];
    case 'key_value':
      return {};
    case 'text':
    case 'select':
    case 'json':
    case 'code':
    case 'resource':
      return '';
  }
}

/** The values a step's form starts with: each field's default, else its empty value. */
export function initialValues(step: StepView): FormValues {
  const values: FormValues = {};
  for (const field of step.fields) {
    values[field.id] = field.default ?? emptyValue(field.kind);
  }
  return values;
}

/**
 * What a number input's text means: a number when it reads as one, `null` when empty, else the
 * text itself (so the Rust rules answer "not a number" rather than the form guessing).
 */
export function numberFromInput(text: string): JsonValue {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}

/** The problems of a validation, by field id (the first one of each field). */
export function problemsByField(problems: FieldProblem[]): Record<string, Localized> {
  const byField: Record<string, Localized> = {};
  for (const problem of problems) {
    byField[problem.field] ??= problem.message;
  }
  return byField;
}

/** A key/value field's pairs as rows to edit (an empty row at the end to add one). */
export function pairsToRows(value: JsonValue): [string, string][] {
  const rows: [string, string][] =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value).map(([name, v]) => [name, typeof v === 'string' ? v : JSON.stringify(v)])
      : [];
  return rows;
}

/** Rows back to pairs; rows with neither name nor value are dropped. */
export function rowsToPairs(rows: [string, string][]): JsonValue {
  const pairs: Record<string, JsonValue> = {};
  for (const [name, value] of rows) {
    if (name === '' && value === '') continue;
    pairs[name] = value;
  }
  return pairs;
}

/** A multi-select's new value after (un)ticking `option`, in the options' order. */
export function toggleOption(field: FieldView, current: JsonValue, option: string, on: boolean): JsonValue {
  if (field.kind.kind !== 'multi_select') return current;
  const chosen = new Set(Array.isArray(current) ? current.filter((v) => typeof v === 'string') : []);
  if (on) chosen.add(option);
  else chosen.delete(option);
  return field.kind.options.map((choice) => choice.value).filter((value) => chosen.has(value));
}

// Drafts: what the learner typed, per lab and step, so leaving a step (or the app) loses
// nothing. Kept in the web view's local storage, which lives in the app's data folder.

function draftKey(labId: string, stepId: string): string {
  return `awslab.draft.${labId}.${stepId}`;
}

/** The saved draft of a step, over its initial values (fields the step no longer has are dropped). */
export function loadDraft(labId: string, step: StepView, storage: Storage | undefined = globalThis.localStorage): FormValues {
  const values = initialValues(step);
  try {
    const saved = storage?.getItem(draftKey(labId, step.id));
    if (!saved) return values;
    const draft = JSON.parse(saved) as Record<string, JsonValue>;
    for (const field of step.fields) {
      if (Object.hasOwn(draft, field.id)) values[field.id] = draft[field.id];
    }
  } catch {
    // A draft that cannot be read is ignored: the form starts from its defaults.
  }
  return values;
}

export function saveDraft(labId: string, stepId: string, values: FormValues, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(draftKey(labId, stepId), JSON.stringify(values));
  } catch {
    // Storage full or unavailable: the form still works, only the draft is not kept.
  }
}

export function clearDrafts(labId: string, storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return;
  const prefix = `awslab.draft.${labId}.`;
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index++) {
    const key = storage.key(index);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}
