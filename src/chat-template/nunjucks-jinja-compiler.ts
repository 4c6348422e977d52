/**
 * The ONE module that reaches into Nunjucks internals (its lexer, parser, AST nodes and compiler
 * classes, exported by `nunjucks` but undocumented). It turns Nunjucks into a Jinja2 front end:
 *
 * - source: newlines normalised and one trailing newline dropped (Jinja2 `keep_trailing_newline=False`);
 * - lexer: Python string-literal escapes; `lstrip_blocks`/`trim_blocks` also around `{# … #}`;
 *   Jinja2 number literals (`1e-07`, `1_000`), `null` as a plain name;
 * - parser: `obj.attr` vs `obj[key]` kept distinct, slices `[a:b:c]`, `True`/`False`/`None`,
 *   `is` tests at filter precedence with unparenthesised arguments, `for … in … if cond` loop
 *   filters, `{% break %}`/`{% continue %}`;
 * - compiler: every operator, lookup, call, test of truth and output goes through the Python
 *   runtime (`python-runtime.ts`, passed to the generated code as `$py`); `set` is scoped like
 *   Jinja2 (loop bodies get a fresh scope each iteration and do not leak); `loop.previtem`,
 *   `loop.nextitem`, `loop.cycle`, `loop.depth`; `{% set ns.attr = … %}`; tuples.
 *
 * Everything here follows Jinja2 3.1 (lexer.py, parser.py, compiler.py, runtime.py).
 */
import * as nunjucks from 'nunjucks';
import { ChatTemplateError } from './chat-template-error';
import { JINJA_FILTER_NAMES, JINJA_TEST_NAMES, UNSUPPORTED_JINJA_FILTERS } from './jinja-environment';
import { pythonRuntime } from './python-runtime';

/* eslint-disable @typescript-eslint/no-explicit-any -- Nunjucks' internals are untyped. */
type Node = any;
type Frame = any;
type Token = { type: string; value: any; lineno: number; colno: number };
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

/**
 * A Nunjucks tokenizer adjusted to Jinja2's lexer: Python string escapes, and
 * `lstrip_blocks`/`trim_blocks` applied to comments as to block tags.
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
  const nextRaw = (): Token | null => {
    const number = tokenizer.in_code ? readNumber(tokenizer) : null;
    const token = number ?? lexNunjucks();
    if (token !== null && token.type === lexer.TOKEN_NONE && token.value === 'null') return { ...token, type: lexer.TOKEN_SYMBOL };
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
      test = new nodes.FunCall(lineno, colno, name, new nodes.NodeList(lineno, colno, [this.parsePrimary()]));
    }
    const node = new nodes.Is(subject.lineno, subject.colno, subject, test);
    return negated ? new nodes.Not(subject.lineno, subject.colno, node) : node;
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

  /** `target[key]` or `target[start:stop:step]`, after the `[`. */
  parseSubscript(target: Node, open: Token): Node {
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
    }
    if (!this.skip(lexer.TOKEN_RIGHT_BRACKET)) this.fail("expected ']'", open.lineno, open.colno);
    if (isSlice) return new PySlice(open.lineno, open.colno, target, start, stop, step);
    if (start === null) this.fail('expected subscript expression', open.lineno, open.colno);
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
  compileGroup(node: Node, frame: Frame): void {
    if (node.children.length === 1) {
      this._compileAggregate(node, frame, '(', ')');
    } else {
      this._emit('$py.tuple(');
      this._compileAggregate(node, frame, '[', ']');
      this._emit(')');
    }
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

  /** Dict literal keys are expressions in Jinja2 (`{name: 1}` uses the variable `name`). */
  compilePair(node: Node, frame: Frame): void {
    this._emit('[');
    this.compile(node.key, frame);
    this._emit(']: ');
    this.compile(node.value, frame);
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
      this._emitLine(`frame.set(${name}, ${item});`);
      this._emitLine(`if (frame.topLevel) { context.setVariable(${name}, ${item}); }`);
    });
  }

  compileFor(node: Node, frame: Frame): void {
    this.loopDepth++;
    super.compileFor(node, frame);
    this.loopDepth--;
  }

  _compileMacro(node: Node, frame: Frame): string {
    const depth = this.loopDepth;
    this.loopDepth = 0;
    const id: string = super._compileMacro(node, frame);
    this.loopDepth = depth;
    return id;
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

  /**
   * Runs at the top of every iteration: a fresh scope (Jinja2 loop bodies do not share
   * assignments across iterations), the loop targets, then Jinja2's `loop` attributes.
   */
  _emitLoopBindings(node: Node, arr: string, i: string, len: string): void {
    this._emitLine('frame = frame.pop().push();');
    if (node.name instanceof nodes.Array) {
      node.name.children.forEach((child: Node, u: number) => {
        this._emitLine(`frame.set(${JSON.stringify(child.value)}, ${arr}[${i}][${u}]);`);
      });
    } else {
      this._emitLine(`frame.set(${JSON.stringify(node.name.value)}, ${arr}[${i}]);`);
    }
    super._emitLoopBindings(node, arr, i, len);
    this._emitLine(`if (${i} > 0) { frame.set("loop.previtem", ${arr}[${i} - 1]); }`);
    this._emitLine(`if (${i} < ${len} - 1) { frame.set("loop.nextitem", ${arr}[${i} + 1]); }`);
    this._emitLine('frame.set("loop.depth", 1);');
    this._emitLine('frame.set("loop.depth0", 0);');
    this._emitLine(`frame.set("loop.cycle", $py.loopCycle(${i}));`);
  }
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
