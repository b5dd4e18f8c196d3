// The values that cross the IPC boundary. They are generated from the Rust types by ts-rs into
// ./bindings (never edit those by hand): after changing a Rust type, run
// `cargo test -p awslab-desktop -- --ignored export_bindings`. `cargo test` fails while the
// committed bindings are stale.
export type { CatalogListing } from './bindings/CatalogListing';
export type { CommandName } from './bindings/CommandName';
export type { EmulatorStatus } from './bindings/EmulatorStatus';
export type { IpcError } from './bindings/IpcError';
export type { IpcErrorCode } from './bindings/IpcErrorCode';
export type { LabStanding } from './bindings/LabStanding';
export type { LabSummary } from './bindings/LabSummary';
export type { Localized } from './bindings/Localized';
export type { Score } from './bindings/Score';
export type { ActionRun } from './bindings/ActionRun';
export type { ApiCall } from './bindings/ApiCall';
export type { CheckResult } from './bindings/CheckResult';
export type { CheckView } from './bindings/CheckView';
export type { Difference } from './bindings/Difference';
export type { Failure } from './bindings/Failure';
export type { FieldKind } from './bindings/FieldKind';
export type { FieldProblem } from './bindings/FieldProblem';
export type { FieldView } from './bindings/FieldView';
export type { LabProgress } from './bindings/LabProgress';
export type { LabView } from './bindings/LabView';
export type { OpenedLab } from './bindings/OpenedLab';
export type { StepOutcome } from './bindings/StepOutcome';
export type { StepProgress } from './bindings/StepProgress';
export type { StepRun } from './bindings/StepRun';
export type { StepStatus } from './bindings/StepStatus';
export type { StepView } from './bindings/StepView';
export type { QuestionView } from './bindings/QuestionView';
export type { QuizFeedback } from './bindings/QuizFeedback';
export type { Targets } from './bindings/Targets';
export type { TargetKind } from './bindings/TargetKind';
export type { JsonValue } from './bindings/serde_json/JsonValue';
export type { AwsProfile } from './bindings/AwsProfile';
export type { CleanupReport } from './bindings/CleanupReport';
export type { Created } from './bindings/Created';
export type { TargetView } from './bindings/TargetView';
export type { SavedReport } from './bindings/SavedReport';
export type { CheckChart } from './bindings/CheckChart';
export type { CheckHistory } from './bindings/CheckHistory';
export type { HistoryKind } from './bindings/HistoryKind';

import type { JsonValue } from './bindings/serde_json/JsonValue';

/** A step's form values by field id, as the engine reads them (`FormValues` in Rust). */
export type FormValues = Record<string, JsonValue>;
export type { Explorer } from './bindings/Explorer';
export type { HttpAnswer } from './bindings/HttpAnswer';
export type { LinkAnswer } from './bindings/LinkAnswer';
export type { Mail } from './bindings/Mail';
export type { ShellAnswer } from './bindings/ShellAnswer';
export type { AlarmGraph } from './bindings/AlarmGraph';
