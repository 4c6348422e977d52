/**
 * Python's format-spec mini-language (`format(value, spec)`, as `str.format` applies it):
 * `[[fill]align][sign][#][0][width][,|_][.precision][type]` for str, int and float values with
 * the types s, d, f, F, e, E, %, g-less default. Unsupported specs raise ChatTemplateError.
 */
import { pythonError } from './chat-template-error';
import { asString, floatRepr, isPyInt, numericValue, str } from './python-values';

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([sdfFeE%])?$/su;

function group(digits: string, separator: string | undefined): string {
  return separator === undefined ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

function formatNumber(value: number, type: string | undefined, precision: number | undefined, separator: string | undefined): string {
  const magnitude = Math.abs(value);
  let body: string;
  switch (type) {
    case 'd':
      if (!isPyInt(value)) throw pythonError('ValueError', "Unknown format code 'd' for object of type 'float'");
      return group(String(magnitude), separator);
    case 'f':
    case 'F':
      body = magnitude.toFixed(precision ?? 6);
      break;
    case 'e':
    case 'E': {
      const [mantissa, exponent] = magnitude.toExponential(precision ?? 6).split('e');
      const exp = Number(exponent);
      body = `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
      if (type === 'E') body = body.toUpperCase();
      return body;
    }
    case '%':
      body = `${(magnitude * 100).toFixed(precision ?? 6)}%`;
      break;
    default:
      if (precision !== undefined) throw pythonError('ValueError', 'format precision without a type is not supported');
      return group(isPyInt(value) ? String(magnitude) : floatRepr(magnitude), separator);
  }
  const [whole, fraction] = body.split('.');
  return fraction === undefined ? group(whole, separator) : `${group(whole, separator)}.${fraction}`;
}

/** `format(value, spec)`. */
export function formatValue(value: unknown, spec: string): string {
  if (spec === '') return str(value);
  const match = SPEC.exec(spec);
  if (match === null) throw pythonError('ValueError', `Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, sign, , zero, widthText, separator, precisionText, type] = match;
  const width = widthText === undefined ? 0 : Number(widthText);
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const number = typeof value === 'boolean' ? null : numericValue(value);
  let body: string;
  let signText = '';
  if (number !== null && type !== 's') {
    body = formatNumber(number, type, precision, separator);
    if (number < 0 || Object.is(number, -0)) signText = '-';
    else if (sign === '+' || sign === ' ') signText = sign;
  } else {
    const text = asString(value) ?? str(value);
    body = precision === undefined ? text : Array.from(text).slice(0, precision).join('');
  }
  const fill = fillChar ?? (zero !== undefined && alignChar === undefined ? '0' : ' ');
  const align = alignChar ?? (zero !== undefined && number !== null ? '=' : number !== null ? '>' : '<');
  const padding = Math.max(0, width - Array.from(signText + body).length);
  switch (align) {
    case '<':
      return signText + body + fill.repeat(padding);
    case '>':
      return fill.repeat(padding) + signText + body;
    case '^':
      return fill.repeat(Math.floor(padding / 2)) + signText + body + fill.repeat(Math.ceil(padding / 2));
    default:
      return signText + fill.repeat(padding) + body;
  }
}
