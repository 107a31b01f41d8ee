"""The pipelines `make evaluate` compares, and how each is trained and parsed.

Alternatives are NLU-only models trained from variations of config.yml into
build/eval/ and reused while their inputs are unchanged. "Before issue 11" is the
assistant as it was when the issue was filed (commit BEFORE_COMMIT: its own config,
data, lexicon and code), rebuilt from git and parsed in its own process, since its
custom components share module names with today's.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from spine_assistant.knowledge.paths import MODEL, PROJECT_ROOT

BUILD_DIR = PROJECT_ROOT / "build" / "eval"
BEFORE_COMMIT = "f074738"
COMPONENTS = "spine_assistant.components"
SENTENCE_FEATURIZER = f"{COMPONENTS}.sentence_featurizer.SentenceEmbeddingFeaturizer"
ANSWERABILITY = f"{COMPONENTS}.answerability.AnswerabilityCheck"
CLASSIFIER = f"{COMPONENTS}.block_logistic_regression.BlockLogisticRegressionClassifier"
PARSE_SCRIPT = """
import asyncio, json, logging, sys
from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog
configure_structlog(logging.WARNING)
agent = Agent.load(sys.argv[1])
texts = json.load(open(sys.argv[2]))
async def parse():
    return [await agent.parse_message(t) for t in texts]
json.dump(asyncio.run(parse()), open(sys.argv[3], "w"), default=str)
"""


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    config: dict[str, Any]


def shipped_config() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))


def _without(config: dict[str, Any], component: str) -> dict[str, Any]:
    variant = copy.deepcopy(config)
    variant["pipeline"] = [c for c in variant["pipeline"] if c["name"] != component]
    return variant


def _replace(config: dict[str, Any], component: str, new: dict[str, Any]) -> dict[str, Any]:
    variant = copy.deepcopy(config)
    variant["pipeline"] = [new if c["name"] == component else c for c in variant["pipeline"]]
    return variant


def with_settings(config: dict[str, Any], component: str, **settings: Any) -> dict[str, Any]:
    variant = copy.deepcopy(config)
    for entry in variant["pipeline"]:
        if entry["name"] == component:
            entry.update(settings)
    return variant


def alternatives(config: dict[str, Any]) -> list[Variant]:
    return [
        Variant(
            "shipped config, NLU only",
            "config.yml trained NLU-only like the others (for training time and size)",
            config,
        ),
        Variant(
            "without sentence features",
            "no all-MiniLM-L6-v2 features: logistic regression on the lemmas and character n-grams",
            _without(config, SENTENCE_FEATURIZER),
        ),
        Variant(
            "without answerability check",
            "no check of the question's words against what the page covers",
            _without(config, ANSWERABILITY),
        ),
        Variant(
            "DIET instead of logistic regression",
            "the same features with DIET (no transformer layers, [256, 128], 120 epochs, "
            "seed 42: the classifier before issue 11)",
            _replace(
                config,
                CLASSIFIER,
                {
                    "name": "DIETClassifier",
                    "epochs": 120,
                    "number_of_transformer_layers": 0,
                    "hidden_layers_sizes": {"text": [256, 128]},
                    "entity_recognition": False,
                    "random_seed": 42,
                    "constrain_similarities": True,
                },
            ),
        ),
        Variant(
            "without question focus",
            "sentence features of the whole message only, not also of the sentences that ask",
            with_settings(config, SENTENCE_FEATURIZER, question_focus=False),
        ),
    ]


def is_current(path: Path, including_config: bool = True) -> bool:
    """Built after every training input last changed (as the Makefile's TRAINING_INPUTS:
    the importer, lexicon and components shape the model too), so it can be reused."""
    inputs = [PROJECT_ROOT / "domain.yml"]
    if including_config:
        inputs.append(PROJECT_ROOT / "config.yml")
    for folder in ("data", "spine_assistant/components", "spine_assistant/knowledge"):
        inputs += [p for p in (PROJECT_ROOT / folder).rglob("*") if p.is_file()]
    return path.exists() and path.stat().st_mtime > max(p.stat().st_mtime for p in inputs)


def train_variant(variant: Variant) -> tuple[Path, float]:
    """An NLU-only model (and its training time), reused while its inputs are unchanged."""
    from rasa.model_training import train_nlu

    slug = variant.name.replace(" ", "_").replace(",", "")
    folder = BUILD_DIR / slug
    folder.mkdir(parents=True, exist_ok=True)
    config_path, model, timing = folder / "config.yml", folder / f"{slug}.tar.gz", folder / "time"
    config_text = yaml.safe_dump(variant.config, sort_keys=False)
    same_config = config_path.exists() and config_path.read_text(encoding="utf-8") == config_text
    # the variant's config is compared above; config.yml's other edits do not matter
    if same_config and timing.exists() and is_current(model, including_config=False):
        return model, float(timing.read_text())
    config_path.write_text(config_text, encoding="utf-8")
    started = time.perf_counter()
    trained = train_nlu(
        config=str(config_path),
        nlu_data=str(PROJECT_ROOT / "data"),
        output=str(folder),
        fixed_model_name=slug,
        domain=str(PROJECT_ROOT / "domain.yml"),
        # a full training: Rasa's training cache would otherwise reuse the nodes an
        # earlier variant shares with this one, and the time would not be this variant's
        additional_arguments={"force_full_training": True},
    )
    if trained is None:
        raise RuntimeError(f"training {variant.name} failed")
    seconds = time.perf_counter() - started
    timing.write_text(f"{seconds:.1f}")
    return Path(trained), seconds


def before_model() -> tuple[Path, Path, float]:
    """The assistant at BEFORE_COMMIT, built from git into build/eval/before/:
    (its folder, its model, its training time)."""
    tree = BUILD_DIR / "before"
    model, timing = tree / MODEL.relative_to(PROJECT_ROOT), tree / "seconds"
    if model.exists() and timing.exists():
        return tree, model, float(timing.read_text())
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", BEFORE_COMMIT], cwd=PROJECT_ROOT, check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    python, rasa = sys.executable, str(Path(sys.executable).parent / "rasa")
    # BEFORE_COMMIT's own layout: its spaCy builder was a script
    subprocess.run([python, "scripts/build_spacy_pipeline.py"], cwd=tree, env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [rasa, "train", "--fixed-model-name", "spine", "--out", "models"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    timing.write_text(f"{seconds:.1f}")
    return tree, model, seconds


def parse_in_tree(tree: Path, model: Path, texts: Sequence[str]) -> tuple[list[Any], float]:
    """Parses with the code of another tree, in its own process: (parses, s/message)."""
    texts_file, out_file = tree / "texts.json", tree / "parses.json"
    texts_file.write_text(json.dumps(list(texts)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", PARSE_SCRIPT, str(model), str(texts_file), str(out_file)],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    return json.loads(out_file.read_text(encoding="utf-8")), elapsed / max(len(texts), 1)
