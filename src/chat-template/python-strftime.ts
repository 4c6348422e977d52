/**
 * Python `datetime.strftime` for the `strftime_now(format)` global (transformers defines it as
 * `datetime.now().strftime(format)`, a naive local time). Covers the C89 directives plus `%e`,
 * `%f`, `%F`, `%T`, `%u`, `%-d`-style unpadded forms; `%z`/`%Z` are empty, as for a naive
 * datetime; unknown directives are kept verbatim, as glibc does.
 */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function pad(value: number, width: number, unpadded: boolean): string {
  return unpadded ? String(value) : String(value).padStart(width, '0');
}

/** The calendar fields of an instant, in local time or in UTC. */
interface CalendarTime {
  getFullYear(): number;
  getMonth(): number;
  getDate(): number;
  getDay(): number;
  getHours(): number;
  getMinutes(): number;
  getSeconds(): number;
  getMilliseconds(): number;
}

function utcFields(date: Date): CalendarTime {
  return {
    getFullYear: () => date.getUTCFullYear(),
    getMonth: () => date.getUTCMonth(),
    getDate: () => date.getUTCDate(),
    getDay: () => date.getUTCDay(),
    getHours: () => date.getUTCHours(),
    getMinutes: () => date.getUTCMinutes(),
    getSeconds: () => date.getUTCSeconds(),
    getMilliseconds: () => date.getUTCMilliseconds(),
  };
}

function dayOfYear(date: CalendarTime): number {
  const start = Date.UTC(date.getFullYear(), 0, 1);
  const today = Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
  return Math.round((today - start) / 86_400_000) + 1;
}

function directive(date: CalendarTime, code: string, unpadded: boolean): string | undefined {
  const hour12 = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  switch (code) {
    case 'a':
      return DAYS[date.getDay()].slice(0, 3);
    case 'A':
      return DAYS[date.getDay()];
    case 'b':
    case 'h':
      return MONTHS[date.getMonth()].slice(0, 3);
    case 'B':
      return MONTHS[date.getMonth()];
    case 'd':
      return pad(date.getDate(), 2, unpadded);
    case 'e':
      return unpadded ? String(date.getDate()) : String(date.getDate()).padStart(2, ' ');
    case 'H':
      return pad(date.getHours(), 2, unpadded);
    case 'I':
      return pad(hour12, 2, unpadded);
    case 'j':
      return pad(dayOfYear(date), 3, unpadded);
    case 'm':
      return pad(date.getMonth() + 1, 2, unpadded);
    case 'M':
      return pad(date.getMinutes(), 2, unpadded);
    case 'S':
      return pad(date.getSeconds(), 2, unpadded);
    case 'f':
      return String(date.getMilliseconds() * 1000).padStart(6, '0');
    case 'p':
      return date.getHours() < 12 ? 'AM' : 'PM';
    case 'y':
      return pad(date.getFullYear() % 100, 2, unpadded);
    case 'Y':
      return String(date.getFullYear());
    case 'w':
      return String(date.getDay());
    case 'u':
      return String(date.getDay() === 0 ? 7 : date.getDay());
    case 'F':
      return `${date.getFullYear()}-${pad(date.getMonth() + 1, 2, false)}-${pad(date.getDate(), 2, false)}`;
    case 'T':
      return `${pad(date.getHours(), 2, false)}:${pad(date.getMinutes(), 2, false)}:${pad(date.getSeconds(), 2, false)}`;
    case 'z':
    case 'Z':
      return '';
    case '%':
      return '%';
    default:
      return undefined;
  }
}

/**
 * Formats `date` with a Python/C strftime format string, in local time, or in UTC when `utc` is
 * true (as for SOURCE_DATE_EPOCH).
 */
export function pythonStrftime(date: Date, format: string, utc = false): string {
  const fields = utc ? utcFields(date) : date;
  return format.replace(/%(-?)(.)/gs, (whole, flag: string, code: string) => directive(fields, code, flag === '-') ?? whole);
}
