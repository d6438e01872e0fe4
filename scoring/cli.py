"""The scoring commands of ``sesame-advisor``: questions, score, model, train.

Each package contributes its own subcommands through ``add_commands``; ``bot.cli`` only wires
them together, so the scoring CLI works without the bot being importable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scoring import assumptions, structure
from scoring.card import load_scorecard
from scoring.i18n import LANGUAGES, terminal_language
from scoring.presentation import question_view, score_view
from scoring.questions import DIMENSION_NAMES, QUESTIONS, Answer, InvalidAnswer, parse_answers, shorten
from templates import render


class CliError(Exception):
    """A user mistake: printed as one ``error:`` line, exit code 2, never a traceback."""


class DuplicateKey(ValueError):
    """A JSON object naming one key twice: ``json`` would silently keep the last one."""


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` that refuses a repeated key instead of dropping an answer unseen."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(shorten(repr(key)))
        result[key] = value
    return result


def _read_stdin() -> str:
    """Standard input as text, decoded like a file (strict UTF-8, byte-order mark allowed).

    The text layer would decode with the locale (and ``surrogateescape``), so bytes that are
    not UTF-8 would surface as a puzzling JSON error; a closed stdin is ``None`` altogether.
    """
    if sys.stdin is None:
        raise CliError("standard input is closed; pass --answers FILE or pipe a JSON object into --answers -")
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # already text (an embedding program or a test replaced it)
        return sys.stdin.read()
    text: str = buffer.read().decode("utf-8-sig")
    return text


def read_answers(source: str) -> dict[str, Answer]:
    """Read a JSON object of answers from a file path or ``-`` (stdin) and validate it."""
    name = "standard input" if source == "-" else f"answers file {source}"
    try:
        # utf-8-sig: files saved by Windows editors start with a byte-order mark.
        text = _read_stdin() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"answers file not found: {source}") from None
    except IsADirectoryError:
        raise CliError(f"answers file {source} is a directory, not a file") from None
    except UnicodeDecodeError:
        raise CliError(f"{name} is not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"cannot read answers file {source}: {exc.strerror or exc.__class__.__name__}") from None
    try:
        raw = json.loads(text, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as exc:
        raise CliError(f"{name} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except DuplicateKey as exc:
        raise CliError(f"{name} gives {exc} more than once; keep one answer per question") from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise CliError(f"{name} is not valid JSON (a number is too long)") from None
    except RecursionError:
        raise CliError(f"{name} is not valid JSON (nested too deeply)") from None
    if not isinstance(raw, dict):
        raise CliError(f"{name} must hold a JSON object of question id -> answer")
    try:
        answers = parse_answers(raw)
        structure.check(answers)
    except InvalidAnswer as exc:  # ContradictoryAnswers included: one line naming both answers
        raise CliError(f"answer {exc}") from None
    return answers


def emit_json(data: Any) -> None:
    """Print JSON the same way for every command."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _card(args: argparse.Namespace) -> Any:
    return load_scorecard(getattr(args, "model", None))


def cmd_questions(args: argparse.Namespace) -> int:
    """List the questionnaire."""
    views = [question_view(q.id, args.lang) for q in QUESTIONS]
    if args.json:
        emit_json(views)
    else:
        print(render(args.lang, "cli_questions.txt.j2", questions=views))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    """Score one answers file."""
    answers = read_answers(args.answers)
    card = _card(args)
    result = card.score(answers)
    if args.json:
        emit_json({**result.as_dict(), "model_version": card.version, "estimate": True})
    else:
        print(render(args.lang, "cli_score.txt.j2", **score_view(result, args.lang, reasons=5)))
    return 0


def dimension_labels(lang: str) -> dict[str, str]:
    """Dimension id -> its name in ``lang``, for texts that list the dimensions."""
    return {dimension: names[lang] for dimension, names in DIMENSION_NAMES.items()}


def cmd_model(args: argparse.Namespace) -> int:
    """Show the model card."""
    model_card = _card(args).model_card()
    if args.json:
        emit_json(model_card)
    else:
        print(render(args.lang, "cli_model.txt.j2", card=model_card, names=dimension_labels(args.lang)))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """Retrain from the synthetic population and write the model files."""
    from scoring import train

    if args.rows < 1000:
        raise CliError("--rows must be at least 1000")
    result = train.train(rows=args.rows, seed=args.seed)
    folder = Path(args.out) if args.out else train.packaged_folder()
    card_path, estimator_path = train.write(result, folder)
    print(
        render(
            args.lang,
            "cli_train.txt.j2",
            card=result.card,
            card_path=str(card_path),
            estimator_path=str(estimator_path),
        )
    )
    return 0


def add_common(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    """``--json`` and ``--lang``, shared by every read-only command.

    Without ``--lang`` a command speaks the terminal's language (``terminal_language``), read when
    the parser is built, so every subcommand (``chat`` too) picks it the same way.
    """
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=terminal_language(),
        help="language of the text output (default: Chinese if $LC_ALL, $LC_MESSAGES or $LANG says zh, else English)",
    )


def add_profile_input(parser: argparse.ArgumentParser) -> None:
    """``--answers FILE|-`` and the hidden ``--model`` (a scorecard file other than the packaged one)."""
    parser.add_argument("--answers", required=True, metavar="FILE|-", help="JSON object of question id -> answer")
    parser.add_argument("--model", help=argparse.SUPPRESS)


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register the scoring subcommands."""
    p = sub.add_parser("questions", help="list the questionnaire")
    add_common(p)
    p.set_defaults(handler=cmd_questions)

    p = sub.add_parser("score", help="estimate a score from an answers file")
    add_profile_input(p)
    add_common(p)
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("model", help="show the model card")
    p.add_argument("--model", help=argparse.SUPPRESS)
    add_common(p)
    p.set_defaults(handler=cmd_model)

    p = sub.add_parser("train", help="retrain the scorecard from the synthetic population")
    p.add_argument("--rows", type=int, default=assumptions.TRAIN_ROWS)
    p.add_argument("--seed", type=int, default=assumptions.TRAIN_SEED)
    p.add_argument("--out", help="folder for scorecard.json and scorecard.skops (default: the packaged model)")
    add_common(p, json_flag=False)
    p.set_defaults(handler=cmd_train)
