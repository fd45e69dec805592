export { addDays, loadCalendars, WorkingCalendar } from './calendar.js';
