export { recordDecision, recordDecisions, type Decision } from './decisions.js';
export { figures, groupFigures, MONTH_PATTERN, openDataRecords, period, statsRows, toCsv, type Figures, type StatsQuery, type StatsRow } from './report.js';
