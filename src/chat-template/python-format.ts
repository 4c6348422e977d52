/**
 * Python's two string-formatting languages:
 * - the format-spec mini-language (`format(value, spec)`, as `str.format` applies it):
 *   `[[fill]align][sign][#][0][width][,|_][.precision][type]` for str, int and float values with
 *   the types s, d, f, F, e, E, %, g-less default;
 * - printf-style `str % values` (CPython `Objects/unicodeobject.c`, `PyUnicode_Format`), used by
 *   the `%` operator on strings and Jinja2's `format` filter.
 * Unsupported specs raise ChatTemplateError.
 */
import { pythonError } from './chat-template-error';
import { asString, dictGet, floatRepr, isDict, isFloat, isTuple, isUndefined, numericValue, repr, str, typeName } from './python-values';

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

function group(digits: string, separator: string | undefined): string {
  return separator === undefined ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** Groups the integer part of a decimal body (`1234.5` → `1,234.5`). */
function groupDecimal(body: string, separator: string | undefined): string {
  const [whole, fraction] = body.split('.');
  return fraction === undefined ? group(whole, separator) : `${group(whole, separator)}.${fraction}`;
}

/** The body of a number (no sign) for a format-spec type, as CPython's `format()` writes it. */
function formatNumber(
  value: number,
  float: boolean,
  type: string | undefined,
  precision: number | undefined,
  separator: string | undefined,
  alternate: boolean,
): string {
  const magnitude = Math.abs(value);
  const integerOnly = (code: string): void => {
    if (float) throw pythonError('ValueError', `Unknown format code '${code}' for object of type 'float'`);
  };
  switch (type) {
    case 'd':
      integerOnly('d');
      return group(String(magnitude), separator);
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      integerOnly(type);
      const digits = magnitude.toString(type === 'b' ? 2 : type === 'o' ? 8 : 16);
      const prefix = alternate ? `0${type}` : '';
      return prefix + (type === 'X' ? digits.toUpperCase() : digits);
    }
    case 'c':
      integerOnly('c');
      return String.fromCodePoint(value);
    case 'f':
    case 'F':
      return groupDecimal(magnitude.toFixed(precision ?? 6), separator);
    case 'e':
    case 'E': {
      const text = exponentText(magnitude, precision ?? 6);
      return type === 'E' ? text.toUpperCase() : text;
    }
    case 'g':
    case 'G':
    case 'n': {
      if (type === 'n' && !float) return String(magnitude);
      const text = generalText(magnitude, precision ?? 6, alternate);
      return groupDecimal(type === 'G' ? text.toUpperCase() : text, separator);
    }
    case '%':
      return `${groupDecimal((magnitude * 100).toFixed(precision ?? 6), separator)}%`;
    default: {
      if (!float) return group(String(magnitude), separator);
      if (precision === undefined) return groupDecimal(floatRepr(magnitude), separator);
      const text = generalText(magnitude, precision, alternate);
      return groupDecimal(/[.e]/.test(text) ? text : `${text}.0`, separator);
    }
  }
}

/** `format(value, spec)`. */
export function formatValue(value: unknown, spec: string): string {
  if (spec === '') return str(value);
  const match = SPEC.exec(spec);
  if (match === null) throw pythonError('ValueError', `Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, sign, alternate, zero, widthText, separator, precisionText, type] = match;
  const width = widthText === undefined ? 0 : Number(widthText);
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const number = typeof value === 'boolean' && (type === undefined || type === 's') ? null : numericValue(value);
  let body: string;
  let signText = '';
  if (number !== null && type !== 's') {
    body = formatNumber(number, isFloat(value), type, precision, separator, alternate !== undefined);
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

/** `%e` body of a non-negative finite number: mantissa with `precision` digits, exponent at least two digits. */
function exponentText(magnitude: number, precision: number): string {
  const [mantissa, exponent] = magnitude.toExponential(precision).split('e');
  const exp = Number(exponent);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** `%g` body of a non-negative finite number (C's rules: shortest of %e/%f, trailing zeros dropped unless `alternate`). */
function generalText(magnitude: number, precision: number, alternate: boolean): string {
  const digits = precision === 0 ? 1 : precision;
  const exponent = magnitude === 0 ? 0 : Number(magnitude.toExponential(digits - 1).split('e')[1]);
  const text = exponent >= -4 && exponent < digits ? magnitude.toFixed(digits - 1 - exponent) : exponentText(magnitude, digits - 1);
  if (alternate) return text.includes('.') ? text : text.replace(/(e|$)/, '.$1');
  return text.replace(/\.?0+(e|$)/, '$1').replace(/^(\d+)\.(e|$)/, '$1$2');
}

/** The number a numeric conversion formats, with CPython's TypeError wording otherwise. */
function requireNumber(conversion: string, value: unknown): number {
  const number = isUndefined(value) ? null : numericValue(value);
  if (number !== null) return number;
  if (conversion === '*') throw pythonError('TypeError', '* wants int');
  if (conversion === 'c') throw pythonError('TypeError', '%c requires int or char');
  if ('diu'.includes(conversion)) throw pythonError('TypeError', `%${conversion} format: a real number is required, not ${typeName(value)}`);
  if ('oxX'.includes(conversion)) throw pythonError('TypeError', `%${conversion} format: an integer is required, not ${typeName(value)}`);
  throw pythonError('TypeError', `must be real number, not ${typeName(value)}`);
}

/** One printf conversion of `value`, without padding: [sign, body]. */
function convert(conversion: string, value: unknown, precision: number | undefined, flags: string): [string, string] {
  const alternate = flags.includes('#');
  switch (conversion) {
    case 's':
      return ['', precision === undefined ? str(value) : Array.from(str(value)).slice(0, precision).join('')];
    case 'r':
    case 'a':
      return ['', precision === undefined ? repr(value) : Array.from(repr(value)).slice(0, precision).join('')];
    case 'c': {
      const text = asString(value);
      if (text !== null) {
        if (Array.from(text).length !== 1) throw pythonError('TypeError', '%c requires int or char');
        return ['', text];
      }
      return ['', String.fromCodePoint(requireNumber(conversion, value))];
    }
    default: {
      const number = requireNumber(conversion, value);
      const sign = number < 0 || Object.is(number, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      const magnitude = Math.abs(number);
      if (!Number.isFinite(magnitude)) {
        const text = Number.isNaN(magnitude) ? 'nan' : 'inf';
        return [sign, conversion === conversion.toUpperCase() && 'EFG'.includes(conversion) ? text.toUpperCase() : text];
      }
      switch (conversion) {
        case 'd':
        case 'i':
        case 'u':
          return [sign, String(Math.trunc(magnitude))];
        case 'o':
        case 'x':
        case 'X': {
          if (isFloat(value)) throw pythonError('TypeError', `%${conversion} format: an integer is required, not float`);
          const radix = conversion === 'o' ? 8 : 16;
          const prefix = alternate ? (conversion === 'o' ? '0o' : `0${conversion}`) : '';
          const digits = magnitude.toString(radix);
          return [sign + prefix, conversion === 'X' ? digits.toUpperCase() : digits];
        }
        case 'e':
        case 'E': {
          const text = exponentText(magnitude, precision ?? 6);
          return [sign, conversion === 'E' ? text.toUpperCase() : text];
        }
        case 'f':
        case 'F':
          return [sign, magnitude.toFixed(precision ?? 6)];
        default: {
          const text = generalText(magnitude, precision ?? 6, alternate);
          return [sign, conversion === 'G' ? text.toUpperCase() : text];
        }
      }
    }
  }
}

const PRINTF = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.?)/gsu;

/**
 * Python's `template % values`: `values` is a tuple of arguments, a mapping for `%(name)s`
 * fields, or a single argument.
 * @throws ChatTemplateError (TypeError/ValueError/KeyError) with CPython's messages for missing,
 *   surplus or ill-typed arguments.
 */
export function percentFormat(template: string, values: unknown): string {
  const args = isTuple(values) ? values : [values];
  const mapping = isDict(values) ? values : null;
  // CPython treats any non-tuple, non-str object with item access (dicts, lists) as a mapping.
  const mappingLike = mapping !== null || (Array.isArray(values) && !isTuple(values));
  let next = 0;
  const take = (): unknown => {
    if (next >= args.length) throw pythonError('TypeError', 'not enough arguments for format string');
    return args[next++];
  };
  let usedMapping = false;
  const out = template.replace(PRINTF, (whole, name: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conversion: string) => {
    if (conversion === '%' && name === undefined && flags === '' && width === undefined && precision === undefined) return '%';
    if (conversion === '') throw pythonError('ValueError', 'incomplete format');
    if (!'diouxXeEfFgGcrsa'.includes(conversion)) {
      const code = conversion.codePointAt(0) ?? 0;
      throw pythonError('ValueError', `unsupported format character '${conversion}' (0x${code.toString(16)}) at index ${template.indexOf(whole) + whole.length - 1}`);
    }
    const widthValue = width === '*' ? Number(requireNumber('*', take())) : width === undefined ? 0 : Number(width);
    const precisionValue = precision === '*' ? Number(requireNumber('*', take())) : precision === undefined ? undefined : Number(precision);
    let value: unknown;
    if (name !== undefined) {
      if (mappingLike && mapping === null) throw pythonError('TypeError', 'list indices must be integers or slices, not str');
      if (mapping === null) throw pythonError('TypeError', 'format requires a mapping');
      usedMapping = true;
      value = dictGet(mapping, name);
      if (value === undefined) throw pythonError('KeyError', repr(name));
    } else {
      value = take();
    }
    const [sign, body] = convert(conversion, value, precisionValue, flags);
    const padding = Math.max(0, Math.abs(widthValue) - Array.from(sign + body).length);
    if (flags.includes('-') || widthValue < 0) return sign + body + ' '.repeat(padding);
    if (flags.includes('0') && !'srac'.includes(conversion)) return sign + '0'.repeat(padding) + body;
    return ' '.repeat(padding) + sign + body;
  });
  if (!usedMapping && !mappingLike && next < args.length) {
    throw pythonError('TypeError', 'not all arguments converted during string formatting');
  }
  return out;
}
