export {
  parseChecks,
  parseSuiteOutput,
  scenarioFailed,
  stripAnsi,
  type CheckStatus,
  type ConformanceCheck,
  type ScenarioSummary,
  type SuiteSummary,
} from './parse-output.js';
export {
  CONFORMANCE_BIN,
  DEFAULT_CONFORMANCE_TIMEOUT_MS,
  LOOPBACK_PRELOAD,
  runConformance,
  runConformanceClient,
  type ConformanceRun,
  type RunConformanceClientOptions,
  type RunConformanceOptions,
} from './run.js';
export { createReportRecorder, formatReport, type ReportColumn, type ReportRecorder } from './report.js';
export { ACTIVE_SCENARIO_COUNT, PENDING_SCENARIOS, readBaseline, scenarioOutcomes } from './outcome.js';
