/**
 * `format` values this converter enforces (JSON Schema 2020-12 validation §7.3), each as an anchored
 * ECMAScript pattern describing a subset of the strings that both the format's RFC and ajv-formats
 * (full mode, which validates our output) accept. Subsets only narrow: a leap second, an IP literal
 * in an e-mail address or a URI without `//` authority are never produced.
 */
const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}`;
const H16 = '[0-9a-fA-F]{1,4}';
const LS32 = `(?:${H16}:${H16}|${IPV4})`;

/** RFC 4291 §2.2 text forms (as in RFC 3986 §3.2.2 `IPv6address`). */
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].join('|');

/** RFC 3339 full-date with the real number of days per month, leap years included. */
const DATE =
  '(?:\\d{4}-(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])' +
  '|\\d{4}-(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)' +
  '|\\d{4}-02-(?:0[1-9]|1\\d|2[0-8])' +
  '|(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)';

/** RFC 3339 full-time without leap seconds; fraction capped at 9 digits so generation ends. */
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?(?:[Zz]|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

const UNRESERVED = "A-Za-z0-9._~!$&'()*+,;=\\-";
const PCT = '%[0-9A-Fa-f]{2}';
/** URI-template literal characters (RFC 6570 §2.1) that are also URI characters. */
const TEMPLATE_LITERAL = "A-Za-z0-9._~!$&()*+,;=:@/?#\\-";
const JSON_POINTER = '(?:/(?:[^~/]|~[01])*)*';
const DURATION_NUMBER = '\\d{1,9}';
const DURATION_DATE = `(?:${DURATION_NUMBER}Y(?:${DURATION_NUMBER}M)?(?:${DURATION_NUMBER}D)?|${DURATION_NUMBER}M(?:${DURATION_NUMBER}D)?|${DURATION_NUMBER}D)`;
const DURATION_TIME = `T(?:${DURATION_NUMBER}H(?:${DURATION_NUMBER}M)?(?:${DURATION_NUMBER}S)?|${DURATION_NUMBER}M(?:${DURATION_NUMBER}S)?|${DURATION_NUMBER}S)`;

export const FORMAT_PATTERNS: Readonly<Record<string, string>> = {
  date: `^${DATE}$`,
  time: `^${TIME}$`,
  'date-time': `^${DATE}[Tt]${TIME}$`,
  uuid: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  email: `^${ATEXT}+(?:\\.${ATEXT}+)*@${LABEL}(?:\\.${LABEL})+$`,
  ipv4: `^${IPV4}$`,
  ipv6: `^(?:${IPV6})$`,
  // RFC 1123 host names; labels of at most 40 characters, at most 6 of them (ajv caps the whole at 253)
  hostname: '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?){0,5}$',
  // RFC 3986 URI with an authority: scheme "://" [userinfo "@"] host [":" port] path-abempty ["?" query] ["#" fragment]
  uri:
    `^[A-Za-z][A-Za-z0-9+.-]*://(?:(?:[${UNRESERVED}:]|${PCT})*@)?(?:[${UNRESERVED}]|${PCT})+(?::\\d{1,5})?` +
    `(?:/(?:[${UNRESERVED}:@]|${PCT})*)*(?:\\?(?:[${UNRESERVED}:@/?]|${PCT})*)?(?:#(?:[${UNRESERVED}:@/?]|${PCT})*)?$`,
  // RFC 3986 URI-reference: a URI as above, or a relative reference (a first segment without ':', an absolute path,
  // or no path), each with optional query and fragment
  'uri-reference':
    `^(?:[A-Za-z][A-Za-z0-9+.-]*://(?:(?:[${UNRESERVED}:]|${PCT})*@)?(?:[${UNRESERVED}]|${PCT})+(?::\\d{1,5})?` +
    `(?:/(?:[${UNRESERVED}:@]|${PCT})*)*|(?:[${UNRESERVED}@]|${PCT})+(?:/(?:[${UNRESERVED}:@]|${PCT})*)*` +
    `|/(?:(?:[${UNRESERVED}:@]|${PCT})+(?:/(?:[${UNRESERVED}:@]|${PCT})*)*)?)?` +
    `(?:\\?(?:[${UNRESERVED}:@/?]|${PCT})*)?(?:#(?:[${UNRESERVED}:@/?]|${PCT})*)?$`,
  // RFC 6570 level-3 templates: literals and simple {var,var} expressions with an optional operator
  'uri-template': `^(?:[${TEMPLATE_LITERAL}]|${PCT}|\\{[+#./;?&]?[A-Za-z0-9_]+(?:,[A-Za-z0-9_]+)*\\})*$`,
  // RFC 6901; RFC draft-handrews-relative-json-pointer-01 (the prefix capped at 9 digits)
  'json-pointer': `^${JSON_POINTER}$`,
  'relative-json-pointer': `^(?:0|[1-9]\\d{0,8})(?:#|${JSON_POINTER})$`,
  // RFC 3339 Appendix A durations, each number capped at 9 digits
  duration: `^P(?:${DURATION_DATE}(?:${DURATION_TIME})?|${DURATION_TIME}|\\d{1,9}W)$`,
  // ECMA-262 patterns made only of literal letters, digits, spaces, '_' and '-' (always valid)
  regex: '^[A-Za-z0-9 _-]*$',
};

/**
 * Formats ajv-formats (full mode) asserts but this converter does not enforce: a schema using one is
 * refused, since the output could fail validation. Other unknown formats are annotations (ignored,
 * as the spec says for formats an implementation does not know).
 */
export const UNSUPPORTED_ASSERTED_FORMATS = new Set([
  'iso-time',
  'iso-date-time',
  'url',
  'json-pointer-uri-fragment',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
]);
