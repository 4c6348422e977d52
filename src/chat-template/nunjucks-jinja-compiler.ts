/**
 * The ONE module that reaches into Nunjucks internals (its lexer, parser, AST nodes and compiler
 * classes, exported by `nunjucks` but undocumented). It turns Nunjucks into a Jinja2 front end:
 *
 * - source: newlines normalised and one trailing newline dropped (Jinja2 `keep_trailing_newline=False`);
 * - lexer: Python string-literal escapes; `lstrip_blocks`/`trim_blocks` also around `{# … #}`;
 *   Jinja2 number literals (`1e-07`, `1_000`), `null` as a plain name; no tag ends inside open
 *   brackets (`{{ {'a': {'b': 1}} }}`);
 * - parser: `obj.attr` vs `obj[key]` kept distinct, slices `[a:b:c]` and tuple subscripts,
 *   `True`/`False`/`None`, float literals kept floats, adjacent string literals, tuples
 *   (`()`, `(a,)`, `a, b` in `set`), trailing commas, expression dict keys, `is` tests at filter
 *   precedence with unparenthesised arguments, `for … in … if cond` loop filters,
 *   `{% break %}`/`{% continue %}`, `{% with %}`;
 * - compiler: every operator, lookup, call, test of truth and output goes through the Python
 *   runtime (`python-runtime.ts`, passed to the generated code as `$py`); dict literals build
 *   Python dicts; `set` is scoped like Jinja2 (loop bodies get a fresh scope each iteration and
 *   do not leak); `loop.previtem`, `loop.nextitem`, `loop.cycle`, `loop.depth`;
 *   `{% set ns.attr = … %}`; `{% call %}` bodies scoped where they are written.
 *
 * Everything here follows Jinja2 3.1 (lexer.py, parser.py, compiler.py, runtime.py).
 */
import * as nunjucks from 'nunjucks';
import { ChatTemplateError } from './chat-template-error';
import { JINJA_FILTER_NAMES, JINJA_TEST_NAMES, UNSUPPORTED_JINJA_FILTERS } from './jinja-environment';
import { MACRO_EXTRAS, pythonRuntime } from './python-runtime';
import { pyFloat, PyFloat } from './python-values';

/**
 * The exact Nunjucks release this module was written against (package.json pins it; the spec
 * beside this module fails when the installed version differs). Any upgrade means re-reading
 * Nunjucks' lexer.js, parser.js and compiler.js against every override below.
 */
export const NUNJUCKS_VERSION = '3.2.4';

/* eslint-disable @typescript-eslint/no-explicit-any -- Nunjucks' internals are untyped. */
type Node = any;
type Frame = any;
/** A Nunjucks token; `raw` (data before lstrip_blocks) and `keepsLeadingWhitespace` (`{%+`) are ours. */
type Token = { type: string; value: any; lineno: number; colno: number; raw?: string; keepsLeadingWhitespace?: boolean };
type Constructor = new (...args: any[]) => any;

const internals = nunjucks as unknown as {
  lexer: Record<string, any> & { lex(src: string, opts: object): any };
  nodes: Record<string, any>;
  parser: { Parser: Constructor };
  compiler: { Compiler: Constructor };
};
const { lexer, nodes } = internals;

const PyGetAttr = nodes.Node.extend('PyGetAttr', { fields: ['target', 'attribute'] });
const PyGetItem = nodes.Node.extend('PyGetItem', { fields: ['target', 'key'] });
const PySlice = nodes.Node.extend('PySlice', { fields: ['target', 'start', 'stop', 'step'] });
const PyIterable = nodes.Node.extend('PyIterable', { fields: ['iterable', 'condition', 'targets'] });
const PyTruthy = nodes.Node.extend('PyTruthy', { fields: ['expr'] });
const LoopControl = nodes.Node.extend('LoopControl', { fields: ['keyword'] });
const PyTuple = nodes.Node.extend('PyTuple', { fields: ['items'] });
const PyWith = nodes.Node.extend('PyWith', { fields: ['targets', 'values', 'body'] });
const MacroSpecials = nodes.Node.extend('MacroSpecials', { fields: ['names'] });

const CLOSING: Record<string, string> = {
  [lexer.TOKEN_LEFT_PAREN]: lexer.TOKEN_RIGHT_PAREN,
  [lexer.TOKEN_LEFT_BRACKET]: lexer.TOKEN_RIGHT_BRACKET,
  [lexer.TOKEN_LEFT_CURLY]: lexer.TOKEN_RIGHT_CURLY,
};

const PY_CONSTANTS: ReadonlyMap<string, boolean | null> = new Map([
  ['True', true],
  ['False', false],
  ['None', null],
]);

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

/** Python's `unicode_escape` decoding, which Jinja2 applies to string literals. */
function unescapePythonString(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (whole, code: string) => {
    if (code.length > 1 || /[0-7]/.test(code)) {
      const value = /^[0-7]+$/.test(code) ? parseInt(code, 8) : parseInt(code.slice(1), 16);
      return String.fromCodePoint(value);
    }
    return SIMPLE_ESCAPES[code] ?? whole;
  });
}

/** Jinja2 reads sources with `\r\n`/`\r` as `\n` and drops one trailing newline. */
function normalizeSource(source: string): string {
  return source.replace(/\r\n?/g, '\n').replace(/\n$/, '');
}

const OPENING_TOKENS = new Set([lexer.TOKEN_LEFT_PAREN, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY]);
const CLOSING_TOKENS = new Set([lexer.TOKEN_RIGHT_PAREN, lexer.TOKEN_RIGHT_BRACKET, lexer.TOKEN_RIGHT_CURLY]);

/**
 * Inside open brackets Jinja2 does not end a tag (`{{ {'a': {'b': 1}} }}`): it lexes `}`, `%`
 * and `-` as operators where Nunjucks would see `}}`, `%}` or `-}}`. Returns that one-character
 * token, or null when Nunjucks' own lexing applies.
 */
function readBracedOperator(tokenizer: any): Token | null {
  const text: string = tokenizer.str;
  const at: number = tokenizer.index;
  const ch = text[at];
  if (ch !== '}' && !((ch === '%' || ch === '-') && /^[%-]?[}%]/.test(text.slice(at + 1, at + 3)))) return null;
  const token: Token = {
    type: ch === '}' ? lexer.TOKEN_RIGHT_CURLY : lexer.TOKEN_OPERATOR,
    value: ch,
    lineno: tokenizer.lineno,
    colno: tokenizer.colno,
  };
  tokenizer.forward();
  return token;
}

/**
 * A Nunjucks tokenizer adjusted to Jinja2's lexer: Python string escapes, bracket balancing
 * before tag ends, `lstrip_blocks`/`trim_blocks` applied to comments as to block tags, and the
 * `{%+`/`+%}` modifiers that turn them off for one tag.
 */
function jinjaTokenizer(source: string, opts: object): any {
  const tokenizer = internals.lexer.lex(source, opts);
  tokenizer._parseString = function parseString(this: any, delimiter: string): string {
    this.forward();
    let raw = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      if (this.current() === '\\') {
        raw += this.current();
        this.forward();
      }
      raw += this.current();
      this.forward();
    }
    this.forward();
    return unescapePythonString(raw);
  };
  const lexNunjucks: () => Token | null = tokenizer.nextToken.bind(tokenizer);
  const text: string = tokenizer.str;
  let depth = 0;
  let pending: Token | null = null;
  /** `+%}`: the tag end without trim_blocks (the newline Nunjucks' lexer dropped is put back). */
  const lexPlusBlockEnd = (): Token | null => {
    tokenizer.forward();
    const token = lexNunjucks();
    if (text[tokenizer.index - 1] === '\n' && text.slice(0, tokenizer.index - 1).endsWith('%}')) {
      tokenizer.index -= 1;
      tokenizer.lineno -= 1;
      tokenizer.colno = tokenizer.index - (text.lastIndexOf('\n', tokenizer.index - 1) + 1);
    }
    return token;
  };
  let lexing = false;
  const nextRaw = (): Token | null => {
    // Nunjucks' lexer calls `nextToken` again itself when lstrip_blocks leaves no data: that inner
    // call is plain lexing, the outer one sees its token.
    if (lexing) return lexNunjucks();
    if (pending !== null) {
      const token = pending;
      pending = null;
      return token;
    }
    const start: number = tokenizer.index;
    let special: Token | null = null;
    if (tokenizer.in_code) {
      if (depth > 0) special = readBracedOperator(tokenizer);
      else if (text.startsWith('+%}', tokenizer.index)) special = lexPlusBlockEnd();
      special ??= readNumber(tokenizer);
    }
    lexing = true;
    let token: Token | null;
    try {
      token = special ?? lexNunjucks();
    } finally {
      lexing = false;
    }
    if (token === null) return null;
    if (token.type === lexer.TOKEN_DATA) token.raw = text.slice(start, tokenizer.index);
    if (token.type === lexer.TOKEN_BLOCK_START && text[tokenizer.index] === '+') {
      // `{%+`: the tag start without lstrip_blocks; whitespace the lexer swallowed is data again.
      tokenizer.forward();
      token.keepsLeadingWhitespace = true;
      const swallowed = text.slice(start, tokenizer.index - 3);
      if (swallowed !== '') {
        pending = token;
        return { type: lexer.TOKEN_DATA, value: swallowed, lineno: token.lineno, colno: token.colno };
      }
    }
    if (OPENING_TOKENS.has(token.type)) depth++;
    else if (CLOSING_TOKENS.has(token.type)) depth = Math.max(0, depth - 1);
    else if (token.type === lexer.TOKEN_BLOCK_END || token.type === lexer.TOKEN_VARIABLE_END) depth = 0;
    if (token.type === lexer.TOKEN_NONE && token.value === 'null') return { ...token, type: lexer.TOKEN_SYMBOL };
    return token;
  };
  const queue: (Token | null)[] = [];
  const peek = (): Token | null => {
    if (queue.length === 0) queue.push(nextRaw());
    return queue[0];
  };
  tokenizer.nextToken = (): Token | null => {
    const token = queue.length > 0 ? (queue.shift() as Token | null) : nextRaw();
    if (token === null) return null;
    const next = token.type === lexer.TOKEN_DATA || token.type === lexer.TOKEN_COMMENT ? peek() : null;
    if (next === null) return token;
    if (token.type === lexer.TOKEN_DATA && next.keepsLeadingWhitespace === true && token.raw !== undefined) token.value = token.raw;
    if (token.type === lexer.TOKEN_DATA && next.type === lexer.TOKEN_COMMENT) {
      const column = next.colno;
      if (column > 0 && token.value.length >= column && /^[^\S\n]+$/.test(token.value.slice(-column))) {
        token.value = token.value.slice(0, -column);
      }
    } else if (token.type === lexer.TOKEN_COMMENT && next.type === lexer.TOKEN_DATA && next.value.startsWith('\n')) {
      next.value = next.value.slice(1);
    }
    return token;
  };
  return tokenizer;
}

const INTEGER = /\d(?:_?\d)*(?!\w)/y;
const NUMBER = /\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?(?!\w)/y;

/**
 * Jinja2's number literals (`1_000`, `2.5`, `1e-07`), which Nunjucks' lexer splits or misreads;
 * right after a `.` only an integer is read (`items.0.name`), as in Jinja2.
 */
function readNumber(tokenizer: any): Token | null {
  const text: string = tokenizer.str;
  const at: number = tokenizer.index;
  const pattern = text[at - 1] === '.' ? INTEGER : NUMBER;
  pattern.lastIndex = at;
  const match = pattern.exec(text);
  if (match === null) return null;
  const literal = match[0];
  const token: Token = {
    type: /[.eE]/.test(literal) ? lexer.TOKEN_FLOAT : lexer.TOKEN_INT,
    value: literal.replace(/_/g, ''),
    lineno: tokenizer.lineno,
    colno: tokenizer.colno,
  };
  tokenizer.forwardN(literal.length);
  return token;
}

/** Tokens that may start a test's single unparenthesised argument (`x is divisibleby 3`). */
const TEST_ARGUMENT_STARTS = new Set([
  lexer.TOKEN_SYMBOL,
  lexer.TOKEN_STRING,
  lexer.TOKEN_INT,
  lexer.TOKEN_FLOAT,
  lexer.TOKEN_NONE,
  lexer.TOKEN_BOOLEAN,
  lexer.TOKEN_LEFT_PAREN,
  lexer.TOKEN_LEFT_BRACKET,
  lexer.TOKEN_LEFT_CURLY,
]);

class JinjaParser extends internals.parser.Parser {
  /** Nunjucks' own `skip(BLOCK_END)` (e.g. `{% set x -%}`) forgets the `-` whitespace control. */
  skip(type: string): boolean {
    const tok: Token | null = this.nextToken();
    if (tok === null || tok.type !== type) {
      this.pushToken(tok);
      return false;
    }
    if (type === lexer.TOKEN_BLOCK_END && String(tok.value).startsWith('-')) this.dropLeadingWhitespace = true;
    return true;
  }

  /** Jinja2 applies filters and `is` tests at the same, tightest level (after postfix). */
  parseUnary(noFilters: boolean): Node {
    let node = super.parseUnary(noFilters);
    if (noFilters) return node;
    while (this.skipSymbol('is')) {
      node = this.parseFilter(this.parseTest(node));
    }
    return node;
  }

  /** `is` is handled in parseUnary, as in Jinja2. */
  parseIs(): Node {
    return this.parseCompare();
  }

  /** The test after `is [not]`: `defined`, `none`, `divisibleby(3)`, `sameas none`, `in seq`. */
  parseTest(subject: Node): Node {
    const negated = this.skipSymbol('not');
    const nameToken: Token | null = this.nextToken();
    if (nameToken === null || ![lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN].includes(nameToken.type)) {
      this.fail('expected a test name after "is"', subject.lineno, subject.colno);
    }
    const { lineno, colno } = nameToken as Token;
    const name = new nodes.Symbol(lineno, colno, String((nameToken as Token).value));
    const next: Token | null = this.peekToken();
    let test: Node = name;
    if (next?.type === lexer.TOKEN_LEFT_PAREN) {
      test = new nodes.FunCall(lineno, colno, name, this.parseSignature());
    } else if (
      next !== null &&
      TEST_ARGUMENT_STARTS.has(next.type) &&
      !(next.type === lexer.TOKEN_SYMBOL && ['else', 'or', 'and'].includes(next.value))
    ) {
      if (next.type === lexer.TOKEN_SYMBOL && next.value === 'is') this.fail('You cannot chain multiple tests with is', lineno, colno);
      test = new nodes.FunCall(lineno, colno, name, new nodes.NodeList(lineno, colno, [this.parsePrimary(false)]));
    }
    const node = new nodes.Is(subject.lineno, subject.colno, subject, test);
    return negated ? new nodes.Not(subject.lineno, subject.colno, node) : node;
  }

  /**
   * Float literals keep their type (`1.0` is a float, not the int 1); adjacent string literals
   * concatenate (`'a' 'b'`), as in Jinja2's `parse_primary`.
   */
  parsePrimary(noPostfix: boolean): Node {
    const tok: Token | null = this.peekToken();
    let node: Node;
    if (tok !== null && tok.type === lexer.TOKEN_FLOAT) {
      this.nextToken();
      node = new nodes.Literal(tok.lineno, tok.colno, pyFloat(parseFloat(tok.value)));
    } else if (tok !== null && tok.type === lexer.TOKEN_STRING) {
      this.nextToken();
      let text = String(tok.value);
      while (this.peekToken()?.type === lexer.TOKEN_STRING) text += String((this.nextToken() as Token).value);
      node = new nodes.Literal(tok.lineno, tok.colno, text);
    } else {
      return super.parsePrimary(noPostfix);
    }
    return noPostfix ? node : this.parsePostfix(node);
  }

  /**
   * `(…)`, `[…]`, `{…}` as Jinja2 parses them: trailing commas allowed, dict keys are full
   * expressions, `()`/`(a,)`/`(a, b)` are tuples and `(a)` is just `a`.
   */
  parseAggregate(): Node {
    const open: Token | null = this.nextToken();
    const close = open === null ? undefined : CLOSING[open.type];
    if (open === null || close === undefined) return null;
    const items: Node[] = [];
    let sawComma = false;
    while (this.peekToken()?.type !== close) {
      if (items.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail('parseAggregate: expected comma after expression', open.lineno, open.colno);
        sawComma = true;
        if (this.peekToken()?.type === close) break;
      }
      if (open.type === lexer.TOKEN_LEFT_CURLY) {
        const key = this.parseExpression();
        if (!this.skip(lexer.TOKEN_COLON)) this.fail('parseAggregate: expected colon after dict key', open.lineno, open.colno);
        items.push(new nodes.Pair(key.lineno, key.colno, key, this.parseExpression()));
      } else {
        items.push(this.parseExpression());
      }
    }
    this.nextToken();
    if (open.type === lexer.TOKEN_LEFT_CURLY) return new nodes.Dict(open.lineno, open.colno, items);
    if (open.type === lexer.TOKEN_LEFT_BRACKET) return new nodes.Array(open.lineno, open.colno, items);
    if (items.length === 1 && !sawComma) return items[0];
    return new PyTuple(open.lineno, open.colno, items);
  }

  /** An expression, or a tuple of them without parentheses (`1, 2`), as Jinja2's `parse_tuple`. */
  parseTupleExpression(): Node {
    const first = this.parseExpression();
    if (this.peekToken()?.type !== lexer.TOKEN_COMMA) return first;
    const items: Node[] = [first];
    while (this.skip(lexer.TOKEN_COMMA)) {
      const type = this.peekToken()?.type;
      if (type === lexer.TOKEN_BLOCK_END || type === lexer.TOKEN_VARIABLE_END) break;
      items.push(this.parseExpression());
    }
    return new PyTuple(first.lineno, first.colno, items);
  }

  /** `{% set a, b = 1, 2 %}`, `{% set ns.x = … %}` or the block form `{% set x %}…{% endset %}`. */
  parseSet(): Node {
    const tag: Token = this.nextToken() as Token;
    const node = new nodes.Set(tag.lineno, tag.colno, []);
    do {
      node.targets.push(this.parsePrimary(false));
    } while (this.skip(lexer.TOKEN_COMMA));
    if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
      node.value = this.parseTupleExpression();
      this.advanceAfterBlockEnd(tag.value);
    } else {
      if (!this.skip(lexer.TOKEN_BLOCK_END)) this.fail('parseSet: expected = or block end in set tag', tag.lineno, tag.colno);
      node.body = new nodes.Capture(tag.lineno, tag.colno, this.parseUntilBlocks('endset'));
      node.value = null;
      this.advanceAfterBlockEnd();
    }
    return node;
  }

  /**
   * `{% raw %}…{% endraw %}` as Jinja2's lexer reads it: no trim_blocks after `{% raw %}` (the
   * newline Nunjucks' lexer already dropped is restored by hand: its `Tokenizer.back` is broken),
   * `-`/`+` whitespace control on both tags, lstrip_blocks and trim_blocks around `{% endraw %}`,
   * and nothing nested (the first `endraw` ends the block).
   */
  parseRaw(): Node {
    const begun: Token = this.advanceAfterBlockEnd();
    const tokens = this.tokens;
    const text: string = tokens.str;
    if (text[tokens.index - 1] === '\n' && text.slice(0, tokens.index - 1).endsWith('%}')) {
      tokens.index -= 1;
      tokens.lineno -= 1;
      tokens.colno = tokens.index - (text.lastIndexOf('\n', tokens.index - 1) + 1);
    }
    const skipWhitespace = (): void => {
      while (!tokens.isFinished() && /\s/.test(tokens.current())) tokens.forward();
    };
    if (String(begun.value).startsWith('-')) skipWhitespace();
    const end = /([\s\S]*?)\{%([-+]?)\s*endraw\s*([-+]?)%\}/y;
    end.lastIndex = tokens.index;
    const match = end.exec(text);
    if (match === null) this.fail('Missing end of raw directive', begun.lineno, begun.colno);
    const [whole, body, before, after] = match as RegExpExecArray;
    let content = body;
    if (before === '-') content = content.replace(/\s+$/, '');
    else if (before !== '+') content = content.replace(/\n[^\S\n]+$/, '\n');
    tokens.forwardN(whole.length);
    if (after === '-') skipWhitespace();
    else if (after !== '+' && tokens.current() === '\n') tokens.forward();
    return new nodes.Output(begun.lineno, begun.colno, [new nodes.TemplateData(begun.lineno, begun.colno, content)]);
  }

  /** `{% with a = 1, b = x %}…{% endwith %}`: values from the outer scope, names local to the body. */
  parseWith(tag: Token): Node {
    const targets: Node[] = [];
    const values: Node[] = [];
    while (this.peekToken()?.type !== lexer.TOKEN_BLOCK_END) {
      if (targets.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail("expected ',' in with statement", tag.lineno, tag.colno);
      const target: Token | null = this.nextToken();
      if (target === null || target.type !== lexer.TOKEN_SYMBOL) this.fail('expected a name in with statement', tag.lineno, tag.colno);
      targets.push(new nodes.Symbol((target as Token).lineno, (target as Token).colno, (target as Token).value));
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) this.fail("expected '=' in with statement", tag.lineno, tag.colno);
      values.push(this.parseExpression());
    }
    this.advanceAfterBlockEnd(tag.value);
    const body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return new PyWith(tag.lineno, tag.colno, targets, values, body);
  }

  parsePostfix(start: Node): Node {
    let node = start;
    if (node instanceof nodes.Symbol && PY_CONSTANTS.has(node.value)) {
      node = new nodes.Literal(node.lineno, node.colno, PY_CONSTANTS.get(node.value));
    }
    for (let tok: Token | null = this.peekToken(); tok; tok = this.peekToken()) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        this.nextToken();
        node = this.parseSubscript(node, tok);
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const name: Token = this.nextToken() ?? { type: 'end of template', value: null, lineno: tok.lineno, colno: tok.colno };
        if (name.type === lexer.TOKEN_SYMBOL) {
          node = new PyGetAttr(tok.lineno, tok.colno, node, name.value);
        } else if (name.type === lexer.TOKEN_INT) {
          node = new PyGetItem(tok.lineno, tok.colno, node, new nodes.Literal(name.lineno, name.colno, Number(name.value)));
        } else {
          this.fail(`expected name or number after '.', got ${String(name.value)}`, tok.lineno, tok.colno);
        }
      } else {
        break;
      }
    }
    return node;
  }

  /**
   * `target[key]`, `target[start:stop:step]`, or, as in Jinja2's `parse_subscript`, a tuple key:
   * `target[a, b]`, and `target[]` (the empty tuple). After the `[`.
   */
  parseSubscript(target: Node, open: Token): Node {
    if (this.skip(lexer.TOKEN_RIGHT_BRACKET)) return new PyGetItem(open.lineno, open.colno, target, new PyTuple(open.lineno, open.colno, []));
    let start: Node = null;
    let stop: Node = null;
    let step: Node = null;
    let isSlice = false;
    if (this.peekToken()?.type !== lexer.TOKEN_COLON) start = this.parseExpression();
    if (this.skip(lexer.TOKEN_COLON)) {
      isSlice = true;
      const type = this.peekToken()?.type;
      if (type !== lexer.TOKEN_RIGHT_BRACKET && type !== lexer.TOKEN_COLON) stop = this.parseExpression();
      if (this.skip(lexer.TOKEN_COLON) && this.peekToken()?.type !== lexer.TOKEN_RIGHT_BRACKET) {
        step = this.parseExpression();
      }
    } else if (this.peekToken()?.type === lexer.TOKEN_COMMA) {
      const items: Node[] = [start];
      while (this.skip(lexer.TOKEN_COMMA) && this.peekToken()?.type !== lexer.TOKEN_RIGHT_BRACKET) items.push(this.parseExpression());
      start = new PyTuple(open.lineno, open.colno, items);
    }
    if (!this.skip(lexer.TOKEN_RIGHT_BRACKET)) this.fail("expected ']'", open.lineno, open.colno);
    if (isSlice) return new PySlice(open.lineno, open.colno, target, start, stop, step);
    return new PyGetItem(open.lineno, open.colno, target, start);
  }

  /** Jinja2's `for x in items if cond`: Nunjucks parses the tail as an else-less inline if. */
  parseFor(): Node {
    const node = super.parseFor();
    const source = node.arr;
    const filtered = source instanceof nodes.InlineIf && source.else_ === null;
    node.arr = new PyIterable(
      source.lineno,
      source.colno,
      filtered ? source.body : source,
      filtered ? source.cond : null,
      node.name,
    );
    return node;
  }

  parseStatement(): Node {
    const tok: Token | null = this.peekToken();
    if (tok !== null && tok.type === lexer.TOKEN_SYMBOL && (tok.value === 'break' || tok.value === 'continue')) {
      this.nextToken();
      this.advanceAfterBlockEnd(tok.value);
      return new LoopControl(tok.lineno, tok.colno, tok.value);
    }
    if (tok !== null && tok.type === lexer.TOKEN_SYMBOL && tok.value === 'with') {
      this.nextToken();
      return this.parseWith(tok);
    }
    return super.parseStatement();
  }
}

const OPERATOR_HELPERS: Record<string, string> = {
  Add: 'add',
  Sub: 'sub',
  Mul: 'mul',
  Div: 'truediv',
  FloorDiv: 'floordiv',
  Mod: 'mod',
  Pow: 'pow',
  Concat: 'concat',
};

class JinjaCompiler extends internals.compiler.Compiler {
  private loopDepth = 0;

  /** Emits `$py.<helper>(<compiled args>)`. */
  private emitPy(helper: string, frame: Frame, args: (Node | string)[]): void {
    this._emit(`$py.${helper}(`);
    args.forEach((arg, i) => {
      if (i > 0) this._emit(', ');
      if (typeof arg === 'string') this._emit(arg);
      else if (arg === null) this._emit('null');
      else this.compile(arg, frame);
    });
    this._emit(')');
  }

  private emitThunk(node: Node, frame: Frame): void {
    this._emit('() => (');
    this.compile(node, frame);
    this._emit(')');
  }

  _compileExpression(node: Node, frame: Frame): void {
    this.compile(node, frame);
  }

  _getNodeName(node: Node): string {
    if (node instanceof PyGetAttr) return `${this._getNodeName(node.target)}.${node.attribute}`;
    if (node instanceof PyGetItem) return `${this._getNodeName(node.target)}[...]`;
    if (node instanceof nodes.Literal) return String(node.value);
    return super._getNodeName(node);
  }

  compileSymbol(node: Node, frame: Frame): void {
    const name = JSON.stringify(node.value);
    const bound = frame.lookup(node.value);
    this._emit('$py.name(');
    this._emit(bound ? bound : `runtime.contextOrFrameLookup(context, frame, ${name})`);
    this._emit(`, ${name})`);
  }

  compileOutput(node: Node, frame: Frame): void {
    for (const child of node.children) {
      if (child instanceof nodes.TemplateData) {
        if (child.value) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(child, frame);
          this._emitLine(';');
        }
      } else {
        this._emit(`${this.buffer} += `);
        this.emitPy('str', frame, [child]);
        this._emitLine(';');
      }
    }
  }

  compileIf(node: Node, frame: Frame, async: boolean): void {
    if (!(node.cond instanceof PyTruthy)) node.cond = new PyTruthy(node.cond.lineno, node.cond.colno, node.cond);
    super.compileIf(node, frame, async);
  }

  compilePyTruthy(node: Node, frame: Frame): void {
    this.emitPy('truthy', frame, [node.expr]);
  }

  compileInlineIf(node: Node, frame: Frame): void {
    this._emit('(');
    this.emitPy('truthy', frame, [node.cond]);
    this._emit(' ? ');
    this.compile(node.body, frame);
    this._emit(' : ');
    if (node.else_ === null) {
      this.emitPy('undefinedValue', frame, [
        JSON.stringify('the inline if-expression evaluated to false and no else section was defined.'),
      ]);
    } else {
      this.compile(node.else_, frame);
    }
    this._emit(')');
  }

  compileNot(node: Node, frame: Frame): void {
    this.emitPy('not', frame, [node.target]);
  }

  compileAnd(node: Node, frame: Frame): void {
    this.compileShortCircuit('and', node, frame);
  }

  compileOr(node: Node, frame: Frame): void {
    this.compileShortCircuit('or', node, frame);
  }

  private compileShortCircuit(helper: string, node: Node, frame: Frame): void {
    this._emit(`$py.${helper}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.emitThunk(node.right, frame);
    this._emit(')');
  }

  private compileBinary(node: Node, frame: Frame): void {
    this.emitPy(OPERATOR_HELPERS[node.typename], frame, [node.left, node.right]);
  }

  compileAdd(node: Node, frame: Frame): void {
    this.compileBinary(node, frame);
  }

  compileSub(node: Node, frame: Frame): void {
    this.compileBinary(node, frame);
  }

  compileMul(node: Node, frame: Frame): void {
    this.compileBinary(node, frame);
  }

  compileDiv(node: Node, frame: Frame): void {
    this.compileBinary(node, frame);
  }

  compileFloorDiv(node: Node, frame: Frame): void {
    this.compileBinary(node, frame);
  }

  compileMod(node: Node, frame: Frame): void {
    this.compileBinary(node, frame);
  }

  compilePow(node: Node, frame: Frame): void {
    this.compileBinary(node, frame);
  }

  compileConcat(node: Node, frame: Frame): void {
    this.compileBinary(node, frame);
  }

  compileNeg(node: Node, frame: Frame): void {
    this.emitPy('neg', frame, [node.target]);
  }

  compilePos(node: Node, frame: Frame): void {
    this.emitPy('pos', frame, [node.target]);
  }

  compileCompare(node: Node, frame: Frame): void {
    this._emit('$py.compare(');
    this.compile(node.expr, frame);
    for (const op of node.ops) {
      this._emit(`, ${JSON.stringify(op.type)}, `);
      this.emitThunk(op.expr, frame);
    }
    this._emit(')');
  }

  /** `left in right`, evaluating `left` first as Python does. */
  compileIn(node: Node, frame: Frame): void {
    const item = this._tmpid();
    this._emit(`((${item}) => $py.contains(`);
    this.compile(node.right, frame);
    this._emit(`, ${item}))(`);
    this.compile(node.left, frame);
    this._emit(')');
  }

  compileLookupVal(node: Node, frame: Frame): void {
    this.emitPy('getitem', frame, [node.target, node.val]);
  }

  compilePyGetAttr(node: Node, frame: Frame): void {
    this.emitPy('getattr', frame, [node.target, JSON.stringify(node.attribute)]);
  }

  compilePyGetItem(node: Node, frame: Frame): void {
    this.emitPy('getitem', frame, [node.target, node.key]);
  }

  compilePySlice(node: Node, frame: Frame): void {
    this.emitPy('slice', frame, [node.target, node.start, node.stop, node.step]);
  }

  /** `(a, b)` is a tuple, `(a)` a parenthesised expression. */
  compilePyWith(node: Node, frame: Frame): void {
    const ids = node.values.map((value: Node) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this.compile(value, frame);
      this._emitLine(';');
      return id;
    });
    this._emitLine('frame = frame.push();');
    const inner = frame.push();
    node.targets.forEach((target: Node, i: number) => {
      this._emitLine(`frame.set(${JSON.stringify(target.value)}, ${ids[i]});`);
      inner.set(target.value, ids[i]);
    });
    this.compile(node.body, inner);
    this._emitLine('frame = frame.pop();');
  }

  compilePyTuple(node: Node, frame: Frame): void {
    this._emit('$py.tuple([');
    node.items.forEach((item: Node, i: number) => {
      if (i > 0) this._emit(', ');
      this.compile(item, frame);
    });
    this._emit('])');
  }

  /** Integral float literals are boxed (see `PyFloat`); other literals as Nunjucks emits them. */
  compileLiteral(node: Node, frame: Frame): void {
    if (node.value instanceof PyFloat) this._emit(`$py.float(${node.value.value})`);
    else super.compileLiteral(node, frame);
  }

  /** Dict literals build a Python dict: keys are expressions of any hashable type, order kept. */
  compileDict(node: Node, frame: Frame): void {
    this._emit('$py.dict([');
    node.children.forEach((pair: Node, i: number) => {
      if (i > 0) this._emit(', ');
      this._emit('[');
      this.compile(pair.key, frame);
      this._emit(', ');
      this.compile(pair.value, frame);
      this._emit(']');
    });
    this._emit('])');
  }

  /** An unknown filter in a conditional block fails only when it runs, as in Jinja2. */
  compileFilter(node: Node, frame: Frame): void {
    if (isKnown(node)) super.compileFilter(node, frame);
    else this.emitPy('missing', frame, ['"filter"', JSON.stringify(calleeName(node))]);
  }

  compileIs(node: Node, frame: Frame): void {
    if (!isKnown(node)) {
      this.emitPy('missing', frame, ['"test"', JSON.stringify(calleeName(node))]);
      return;
    }
    const test = node.right;
    const call = test instanceof nodes.FunCall;
    this._emit(`(env.getTest(${JSON.stringify(call ? test.name.value : test.value)}).call(context, `);
    this.compile(node.left, frame);
    for (const arg of call ? test.args.children : []) {
      this._emit(', ');
      this.compile(arg, frame);
    }
    this._emit(') === true)');
  }

  compileKeywordArgs(node: Node, frame: Frame): void {
    this._emit('runtime.makeKeywordArgs({');
    node.children.forEach((pair: Node, i: number) => {
      if (i > 0) this._emit(', ');
      this._emit(`${JSON.stringify(pair.key.value)}: `);
      this.compile(pair.value, frame);
    });
    this._emit('})');
  }

  compileFunCall(node: Node, frame: Frame): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, $py.call(`);
    this.compile(node.name, frame);
    this._emit(`, ${JSON.stringify(this._getNodeName(node.name))}, context, `);
    this._compileAggregate(node.args, frame, '[', ']');
    this._emit('))');
  }

  compileSet(node: Node, frame: Frame): void {
    const value = this._tmpid();
    this._emit(`var ${value} = `);
    this.compile(node.value ?? node.body, frame);
    this._emitLine(';');
    const targets: Node[] = node.targets;
    const unpacked = targets.length > 1 ? this._tmpid() : null;
    if (unpacked !== null) this._emitLine(`var ${unpacked} = $py.unpack(${value}, ${targets.length});`);
    targets.forEach((target, i) => {
      const item = unpacked === null ? value : `${unpacked}[${i}]`;
      if (target instanceof PyGetAttr) {
        this.emitPy('setattr', frame, [target.target, JSON.stringify(target.attribute), item]);
        this._emitLine(';');
        return;
      }
      if (!(target instanceof nodes.Symbol)) {
        this.fail('can only assign to names or namespace attributes', target.lineno, target.colno);
      }
      const name = JSON.stringify(target.value);
      const bound = frame.lookup(target.value);
      if (bound) this._emitLine(`${bound} = ${item};`);
      this._emitLine(`frame.variables[${name}] = ${item};`);
      this._emitLine(`if (frame.topLevel) { context.setVariable(${name}, ${item}); }`);
    });
  }

  /**
   * `{% for targets in iterable [if cond] %}…{% else %}…{% endfor %}` over the array
   * `$py.iterate` yields. Every iteration runs in a fresh scope (Jinja2 loop bodies do not share
   * assignments across iterations) holding the targets (tuple targets unpacked as Python does) and
   * Jinja2's `loop` object, whose attributes are computed on access; names are written straight
   * into the frame's variables (plain names need none of `Frame.set`'s dotted-path handling). The
   * `else` body runs when there was no iteration.
   */
  compileFor(node: Node, frame: Frame): void {
    this.loopDepth++;
    const arr = this._tmpid();
    const i = this._tmpid();
    const item = this._tmpid();
    const loopFrame = frame.push();
    this._emitLine('frame = frame.push();');
    this._emit(`var ${arr} = `);
    this.compile(node.arr, loopFrame);
    this._emitLine(';');
    this._emitLine(`for (var ${i} = 0; ${i} < ${arr}.length; ${i}++) {`);
    this._emitLine('frame = frame.pop().push();');
    this._emitLine(`var ${item} = ${arr}[${i}];`);
    if (node.name instanceof nodes.Array) {
      const parts = this._tmpid();
      this._emitLine(`var ${parts} = $py.unpack(${item}, ${node.name.children.length});`);
      node.name.children.forEach((target: Node, u: number) => {
        const id = this._tmpid();
        this._emitLine(`var ${id} = ${parts}[${u}];`);
        this._emitLine(`frame.variables[${JSON.stringify(target.value)}] = ${id};`);
        loopFrame.set(target.value, id);
      });
    } else {
      this._emitLine(`frame.variables[${JSON.stringify(node.name.value)}] = ${item};`);
      loopFrame.set(node.name.value, item);
    }
    this._emitLine(`frame.variables.loop = $py.loop(${arr}, ${i});`);
    this.compile(node.body, loopFrame);
    this._emitLine('}');
    if (node.else_) {
      this._emitLine(`if (${arr}.length === 0) {`);
      this.compile(node.else_, loopFrame);
      this._emitLine('}');
    }
    this._emitLine('frame = frame.pop();');
    this.loopDepth--;
  }

  /**
   * Macros as Jinja2 calls them: surplus positional and keyword arguments become the body's
   * `varargs` tuple and `kwargs` dict when the body uses those names, and are a TypeError
   * otherwise (Nunjucks would drop them). `{% call %}` bodies are left as Nunjucks compiles them.
   */
  _compileMacro(node: Node, frame: Frame): string {
    const depth = this.loopDepth;
    this.loopDepth = 0;
    const isCaller = node instanceof nodes.Caller;
    const used = isCaller ? new Set<string>() : usedNames(node.body);
    const specials = ['varargs', 'kwargs'].filter((name) => used.has(name));
    if (specials.length > 0) node.body.children.unshift(new MacroSpecials(node.lineno, node.colno, specials));
    const id: string = super._compileMacro(node, frame);
    this.loopDepth = depth;
    if (!isCaller) {
      const params: string[] = node.args.children.flatMap((arg: Node) =>
        arg instanceof nodes.Dict || arg instanceof nodes.KeywordArgs ? arg.children.map((pair: Node) => pair.key.value) : [arg.value],
      );
      this._emitLine(
        `${id} = $py.macro(${id}, ${JSON.stringify(node.name.value)}, ${JSON.stringify(params)}, ${used.has('varargs')}, ${used.has('kwargs')});`,
      );
    }
    return id;
  }

  /** Binds `varargs`/`kwargs` in a macro body from what `$py.macro` passed in the keyword bag. */
  compileMacroSpecials(node: Node): void {
    for (const name of node.names) this._emitLine(`frame.set(${JSON.stringify(name)}, kwargs.${MACRO_EXTRAS}.${name});`);
  }

  /**
   * A `{% call %}` body sees the scope where it is written, as in Jinja2 (Nunjucks would resolve
   * its names in the scope of the macro that calls it): each invocation runs on the frame current
   * when the call block was reached, and the caller's frame is restored afterwards.
   */
  compileCaller(node: Node, frame: Frame): void {
    const definition = this._tmpid();
    const body = this._tmpid();
    this._emit(`(function () { var ${definition} = frame; var ${body} = (function () {`);
    const funcId: string = this._compileMacro(node, frame);
    this._emit(`return ${funcId}; })(); return function () { var saved = frame; frame = ${definition}; `);
    this._emit(`try { return ${body}.apply(this, arguments); } finally { frame = saved; } }; })()`);
  }

  compileLoopControl(node: Node): void {
    if (this.loopDepth === 0) this.fail(`'${node.keyword}' outside of a loop`, node.lineno, node.colno);
    this._emitLine(`${node.keyword};`);
  }

  /** Iterable of a `for`: Python iteration, with the optional `if` filter applied first. */
  compilePyIterable(node: Node, frame: Frame): void {
    if (node.condition === null) {
      this.emitPy('iterate', frame, [node.iterable]);
      return;
    }
    const item = this._tmpid();
    const scope = frame.push();
    this._emit('$py.filterLoop(');
    this.emitPy('iterate', frame, [node.iterable]);
    this._emit(`, function (${item}) { `);
    if (node.targets instanceof nodes.Array) {
      const parts = this._tmpid();
      this._emit(`var ${parts} = $py.unpack(${item}, ${node.targets.children.length}); `);
      node.targets.children.forEach((child: Node, i: number) => scope.set(child.value, `${parts}[${i}]`));
    } else {
      scope.set(node.targets.value, item);
    }
    this._emit('return ');
    this.emitPy('truthy', scope, [node.condition]);
    this._emit('; })');
  }
}

/** Names a macro body reads (Symbol nodes), to know whether it uses `varargs`/`kwargs`. */
function usedNames(node: Node, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const child of node) usedNames(child, found);
  } else if (node instanceof nodes.Node) {
    if (node instanceof nodes.Symbol) found.add(node.value);
    const children: unknown[] = node instanceof nodes.NodeList ? node.children : node.fields.map((field: string) => node[field]);
    for (const child of children) usedNames(child, found);
  }
  return found;
}

function location(error: any): { line?: number; column?: number } {
  return { line: error?.lineno || undefined, column: error?.colno || undefined };
}

/** The filter or test name a Filter/Is node refers to. */
function calleeName(node: Node): string {
  if (node instanceof nodes.Filter) return node.name.value;
  const test = node.right;
  return String(test instanceof nodes.FunCall ? test.name.value : test.value);
}

function isKnown(node: Node): boolean {
  return node instanceof nodes.Filter ? JINJA_FILTER_NAMES.has(calleeName(node)) : JINJA_TEST_NAMES.has(calleeName(node));
}

/**
 * Jinja2 rejects unknown filters and tests at compile time, except inside `if` blocks and inline
 * ifs ("soft" frames), where the error is deferred to the moment they run.
 */
function checkNames(node: Node, conditional = false): void {
  if (Array.isArray(node)) {
    for (const child of node) checkNames(child, conditional);
    return;
  }
  if (!(node instanceof nodes.Node)) return;
  if (!conditional && (node instanceof nodes.Filter || node instanceof nodes.Is) && !isKnown(node)) {
    const name = calleeName(node);
    const kind = node instanceof nodes.Filter ? 'filter' : 'test';
    const message =
      kind === 'filter' && UNSUPPORTED_JINJA_FILTERS.has(name)
        ? `Jinja2 filter '${name}' is not supported by this renderer yet.`
        : `No ${kind} named '${name}'.`;
    throw new ChatTemplateError('compile', message, { pythonType: 'TemplateAssertionError', ...location(node) });
  }
  const soft = conditional || node instanceof nodes.If || node instanceof nodes.InlineIf;
  const children: unknown[] = node instanceof nodes.NodeList ? node.children : node.fields.map((field: string) => node[field]);
  for (const child of children) checkNames(child, soft);
}

/**
 * Compiles Jinja2 source into a Nunjucks template bound to `env` (whose filters/tests/globals
 * come from `jinja-environment.ts`).
 * @throws ChatTemplateError (kind `compile`) when the source is not valid Jinja2 or uses an
 *   unknown filter or test.
 */
export function compileJinjaTemplate(env: nunjucks.Environment, source: string, name: string): nunjucks.Template {
  try {
    const envInternals = env as unknown as { opts: object; extensionsList: unknown[] };
    const parser = new JinjaParser(jinjaTokenizer(normalizeSource(source), envInternals.opts));
    parser.extensions = envInternals.extensionsList;
    const ast = parser.parseAsRoot();
    checkNames(ast);
    const compiler = new JinjaCompiler(name, false);
    compiler.compile(ast);
    const props: unknown = new Function('$py', compiler.getCode())(pythonRuntime);
    return new nunjucks.Template({ type: 'code', obj: props } as unknown as string, env, name, true);
  } catch (error) {
    if (error instanceof ChatTemplateError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ChatTemplateError('compile', `Invalid chat template: ${message}`, {
      pythonType: 'TemplateSyntaxError',
      ...location(error),
      cause: error,
    });
  }
}

/**
 * Renders a template compiled by {@link compileJinjaTemplate}.
 * @throws ChatTemplateError: the error the template or the Python runtime raised (found through
 *   Nunjucks' error wrapping), or kind `render` wrapping any other failure.
 */
export function renderJinjaTemplate(template: nunjucks.Template, variables: object): string {
  try {
    return template.render(variables);
  } catch (error) {
    let cause: unknown = error;
    while (cause instanceof Error && !(cause instanceof ChatTemplateError) && cause.cause !== undefined) {
      cause = cause.cause;
    }
    if (cause instanceof ChatTemplateError) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ChatTemplateError('render', message, { cause: error });
  }
}
