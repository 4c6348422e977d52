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
  and ``strftime_now(format)`` (``datetime.now().strftime``; pinned here to
  FIXED_NOW so that references are reproducible);
* render variables ``messages``, ``tools`` (None when the conversation has none),
  ``documents=None``, ``add_generation_prompt``, then the tokenizer's special
  tokens (``bos_token``, ``eos_token``) and any extra variables.

Usage (from the repository root, with Jinja2 >= 3.1 installed):

    python3 scripts/render-chat-template-references.py

It reads test/fixtures/chat-templates/conversations.json and writes one
test/fixtures/chat-templates/expected/<template>.json per template, holding for
each conversation either {"output": <rendered string>} or
{"error": {"type": <exception class>, "message": <str(exception)>}}.
It also renders test/fixtures/chat-templates/snippets.json (small templates that
exercise one Jinja2 feature each, with their own variables) into
expected/snippets.json in the same shape.
The jest suite compares our Nunjucks renderer with these files; it never runs Python.
"""

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.exceptions import TemplateError
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "test" / "fixtures" / "chat-templates"
FIXED_NOW = datetime(2024, 7, 26, 12, 0, 0)


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


def strftime_now(fmt):
    return FIXED_NOW.strftime(fmt)


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


def render_template_references(env, spec, conversations):
    source = (REPO_ROOT / spec["path"]).read_text(encoding="utf-8")
    reference = {
        "template": spec["name"],
        "path": spec["path"],
        "generator": f"scripts/render-chat-template-references.py (Jinja2 {jinja2.__version__})",
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
    parser.add_argument("--conversations", type=Path, default=FIXTURES / "conversations.json")
    parser.add_argument("--snippets", type=Path, default=FIXTURES / "snippets.json")
    parser.add_argument("--out-dir", type=Path, default=FIXTURES / "expected")
    args = parser.parse_args()

    fixture = json.loads(args.conversations.read_text(encoding="utf-8"))
    env = make_environment()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for spec in fixture["templates"]:
        reference = render_template_references(env, spec, fixture["conversations"])
        out_path = args.out_dir / f"{spec['name']}.json"
        out_path.write_text(json.dumps(reference, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        cases = reference.get("cases", {})
        errors = sum(1 for case in cases.values() if "error" in case)
        print(f"{display(out_path)}: {len(cases)} cases, {errors} raise", file=sys.stderr)

    snippets = json.loads(args.snippets.read_text(encoding="utf-8"))["snippets"]
    reference = {
        "generator": f"scripts/render-chat-template-references.py (Jinja2 {jinja2.__version__})",
        "cases": {snippet["name"]: render_snippet(env, snippet) for snippet in snippets},
    }
    out_path = args.out_dir / "snippets.json"
    out_path.write_text(json.dumps(reference, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{display(out_path)}: {len(snippets)} snippets", file=sys.stderr)


if __name__ == "__main__":
    main()
