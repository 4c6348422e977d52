#!/usr/bin/env python3
"""Development-time oracle for src/chat-template: renders reference prompts with Python Jinja2.

The environment reproduces what Hugging Face transformers sets up in
``_compile_jinja_template`` and passes in ``render_jinja_template``
(src/transformers/utils/chat_template_utils.py), written from a reading of that
source rather than copied:

* ``ImmutableSandboxedEnvironment`` with ``trim_blocks`` and ``lstrip_blocks``,
  autoescape off, the ``loopcontrols`` extension and a ``{% generation %}`` tag
  that renders its body unchanged (transformers' assistant-mask tracker, which
  does not alter the text);
* the ``tojson`` filter replaced by ``json.dumps(x, ensure_ascii=False, indent=None,
  separators=None, sort_keys=False)`` with those four parameters exposed;
* globals ``raise_exception(message)`` (raises ``jinja2.exceptions.TemplateError``)
  and ``strftime_now(format)`` (``datetime.now().strftime``), which here, as in our
  renderer, honours ``SOURCE_DATE_EPOCH``: when that environment variable is set, the
  clock is pinned to that many seconds after the Unix epoch, read as UTC (a naive
  datetime, like ``datetime.now()``). References are rendered with
  ``SOURCE_DATE_EPOCH`` = DEFAULT_SOURCE_DATE_EPOCH (2024-07-26 12:00:00 UTC) unless the
  caller sets it, and record the value used;
* render variables ``messages``, ``tools`` (None when the conversation has none),
  ``documents=None``, ``add_generation_prompt``, then the tokenizer's special
  tokens (``bos_token``, ``eos_token``) and any extra variables.

Usage (from the repository root, with Jinja2 >= 3.1 installed):

    python3 scripts/render-chat-template-references.py

It renders every template of test/fixtures/chat-templates/corpus.json (written by
scripts/extract-llama-cpp-chat-templates.mjs; a template is a file ``path`` or an
inline ``source``) with every conversation of conversations.json, and writes one
test/fixtures/chat-templates/expected/<template>.json per template, holding for
each conversation either {"output": <rendered string>} or
{"error": {"type": <exception class>, "message": <str(exception)>}} (a template
Jinja2 cannot compile records a single "compile_error" instead). Expected files of
templates no longer in the corpus are removed.
It also renders snippets.json (small templates that exercise one Jinja2 feature
each, with their own variables) and llama-cpp-jinja-tests.json (llama.cpp's
tests/test-jinja.cpp micro-tests) into expected/snippets.json and
expected/llama-cpp-jinja-tests.json in the same shape.
The jest suite compares our Nunjucks renderer with these files; it never runs Python.
"""

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.exceptions import TemplateError
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "test" / "fixtures" / "chat-templates"
DEFAULT_SOURCE_DATE_EPOCH = 1721995200  # 2024-07-26 12:00:00 UTC


class GenerationTag(Extension):
    """``{% generation %}...{% endgeneration %}``: body rendered as is."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render_body"), [], [], body).set_lineno(lineno)

    def _render_body(self, caller):
        return caller()


def python_tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise TemplateError(message)


def source_date_epoch():
    """The pinned clock, in seconds since the Unix epoch: SOURCE_DATE_EPOCH, else the default."""
    return int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH))


def strftime_now(fmt):
    now = datetime.fromtimestamp(source_date_epoch(), timezone.utc).replace(tzinfo=None)
    return now.strftime(fmt)


def make_environment():
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[GenerationTag, loopcontrols],
    )
    env.filters["tojson"] = python_tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def describe_error(error):
    return {"type": type(error).__name__, "message": str(error)}


def render_case(template, spec, conversation):
    variables = {
        "messages": conversation["messages"],
        "tools": conversation.get("tools"),
        "documents": None,
        "add_generation_prompt": conversation["add_generation_prompt"],
        "bos_token": spec["bos_token"],
        "eos_token": spec["eos_token"],
        **conversation.get("extra", {}),
    }
    try:
        return {"output": template.render(**variables)}
    except Exception as error:  # the reference records whatever Jinja2 raises
        return {"error": describe_error(error)}


def template_source(spec):
    if "source" in spec:
        return spec["source"]
    return (REPO_ROOT / spec["path"]).read_text(encoding="utf-8")


def generator():
    return f"scripts/render-chat-template-references.py (Jinja2 {jinja2.__version__})"


def render_template_references(env, spec, conversations):
    source = template_source(spec)
    reference = {
        "template": spec["name"],
        "origin": spec["origin"],
        "generator": generator(),
        "source_date_epoch": source_date_epoch(),
        "bos_token": spec["bos_token"],
        "eos_token": spec["eos_token"],
    }
    try:
        template = env.from_string(source)
    except Exception as error:
        reference["compile_error"] = describe_error(error)
        return reference
    reference["cases"] = {c["name"]: render_case(template, spec, c) for c in conversations}
    return reference


def render_snippets(env, snippets, out_path):
    reference = {
        "generator": generator(),
        "source_date_epoch": source_date_epoch(),
        "cases": {snippet["name"]: render_snippet(env, snippet) for snippet in snippets},
    }
    out_path.write_text(json.dumps(reference, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    errors = sum(1 for case in reference["cases"].values() if "error" in case)
    print(f"{display(out_path)}: {len(snippets)} cases, {errors} raise", file=sys.stderr)


def render_snippet(env, snippet):
    try:
        template = env.from_string(snippet["template"])
        return {"output": template.render(**snippet["variables"])}
    except Exception as error:  # compile and render errors alike are part of the reference
        return {"error": describe_error(error)}


def display(path):
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=FIXTURES / "corpus.json")
    parser.add_argument("--conversations", type=Path, default=FIXTURES / "conversations.json")
    parser.add_argument("--snippets", type=Path, default=FIXTURES / "snippets.json")
    parser.add_argument("--jinja-tests", type=Path, default=FIXTURES / "llama-cpp-jinja-tests.json")
    parser.add_argument("--out-dir", type=Path, default=FIXTURES / "expected")
    args = parser.parse_args()

    os.environ.setdefault("SOURCE_DATE_EPOCH", str(DEFAULT_SOURCE_DATE_EPOCH))
    corpus = json.loads(args.corpus.read_text(encoding="utf-8"))["templates"]
    conversations = json.loads(args.conversations.read_text(encoding="utf-8"))["conversations"]
    env = make_environment()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    written = set()
    for spec in corpus:
        reference = render_template_references(env, spec, conversations)
        out_path = args.out_dir / f"{spec['name']}.json"
        out_path.write_text(json.dumps(reference, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.add(out_path.name)
        cases = reference.get("cases", {})
        errors = sum(1 for case in cases.values() if "error" in case)
        print(f"{display(out_path)}: {len(cases)} cases, {errors} raise", file=sys.stderr)

    for name, path in (("snippets.json", args.snippets), ("llama-cpp-jinja-tests.json", args.jinja_tests)):
        fixture = json.loads(path.read_text(encoding="utf-8"))
        render_snippets(env, fixture.get("snippets", fixture.get("tests")), args.out_dir / name)
        written.add(name)

    for stale in sorted(args.out_dir.glob("*.json")):
        if stale.name not in written:
            stale.unlink()
            print(f"{display(stale)}: removed (not in the corpus)", file=sys.stderr)


if __name__ == "__main__":
    main()
