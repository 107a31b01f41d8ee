"""`make bench` (also on its own: `python -m evaluation.training_time`): how long
`make train` takes on this machine in the four cases people meet, and where the time
goes. Writes reports/training.md.

Each case runs `python -m spine_assistant.train` (`rasa train`) as `make train` does
(with --force only after a change to the spaCy pipeline or the encoder), into
build/bench/training/:
- **clean clone**: no sentence vectors kept from an earlier training (an empty cache
  folder), so every training text is encoded; forced;
- **nothing new to encode**: the vectors of the first case kept, forced, as after a
  change to the lexicon (a change to the code or the config retrains the same);
- **one training example added**: a copy of data/ with one more example, vectors kept,
  finetuning the second case's model (`--finetune`), as `make train` does after a change
  to training examples only; and the same **from scratch**, with Rasa's cache (as before
  finetuning was wired in, and as `make train` does when Rasa refuses to finetune);
- **one domain.yml response reworded**: a copy of domain.yml with one response
  changed, Rasa's cache consulted. (A reworded FAQ answer in data/knowledge/topics.yml
  also retrains the answerability check, which learns the answers' words; the project's
  knowledge folder is fixed, so that case is not run here.)

Rasa logs when each trainable component starts and finishes training (to the second);
the rest of a run is start-up, reading the data, running spaCy and the
featurizers over the training examples, training the dialogue policy and saving the
model. The targets (issue 15) are a full train in at most 90 s and a data-only change
in at most 30 s.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from evaluation.compare import machine
from evaluation.variants import SENTENCE_FEATURIZER, with_settings
from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.train import command as train_command

BUILD_DIR = PROJECT_ROOT / "build" / "bench" / "training"
REPORT = PROJECT_ROOT / "reports" / "training.md"
FULL_TRAIN_TARGET_SECONDS = 90
DATA_CHANGE_TARGET_SECONDS = 30
CLASSIFIER = "BlockLogisticRegressionClassifier"
# "2026-11-30 03:18:36 INFO  rasa.engine.training.hooks  - Starting to train component 'X'."
HOOK_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) .*rasa\.engine\.training\.hooks.*"
    r"(Starting to train|Finished training) component '([^']+)'",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Run:
    case: str
    seconds: float
    components: dict[str, float]  # trainable component (class name) → seconds training it

    @property
    def classifier_seconds(self) -> float:
        return self.components.get(CLASSIFIER, 0.0)

    @property
    def other_components_seconds(self) -> float:
        return sum(self.components.values()) - self.classifier_seconds

    @property
    def rest_seconds(self) -> float:
        return max(0.0, self.seconds - sum(self.components.values()))


def component_seconds(log: str) -> dict[str, float]:
    """Seconds between each component's "Starting" and "Finished" lines in Rasa's log."""
    started: dict[str, dt.datetime] = {}
    seconds: dict[str, float] = defaultdict(float)
    for stamp, event, name in HOOK_LINE.findall(log):
        moment = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
        if event.startswith("Starting"):
            started[name] = moment
        elif name in started:
            seconds[name] += (moment - started.pop(name)).total_seconds()
    return dict(seconds)


def with_one_more_example(data: Path, folder: Path) -> Path:
    """A copy of `data` with one more training example: the first example of the first
    intent in data/nlu/, with a word added, under the same intent."""
    copy = folder / "data"
    shutil.copytree(data, copy)
    for path in sorted((copy / "nlu").glob("*.yml")):
        blocks = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
        for block in blocks:
            examples = [line[2:] for line in str(block.get("examples", "")).splitlines()]
            if block.get("intent") and examples:
                added = {"intent": block["intent"], "examples": f"- {examples[0]} please\n"}
                (copy / "nlu" / "added_by_benchmark.yml").write_text(
                    yaml.safe_dump({"version": "3.1", "nlu": [added]}, sort_keys=False),
                    encoding="utf-8",
                )
                return copy
    raise ValueError(f"no training example found under {data / 'nlu'}")


def with_one_response_reworded(domain: Path, folder: Path) -> Path:
    """A copy of `domain` whose first response has a sentence more."""
    content = yaml.safe_load(domain.read_text(encoding="utf-8"))
    first = next(iter(content["responses"].values()))[0]
    first["text"] = f"{first['text']} Reworded by the benchmark."
    copy = folder / "domain.yml"
    copy.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return copy


@dataclass(frozen=True)
class Case:
    name: str
    force: bool
    data: Path
    domain: Path
    finetune: Path | None = None


def train(case: Case, config: Path, model_name: str) -> Run:
    started = time.perf_counter()
    force = ["--force"] if case.force else []
    finetune = ["--finetune", str(case.finetune)] if case.finetune else []
    result = subprocess.run(
        train_command(*force, *finetune, "--config", str(config), "--data", str(case.data))
        + ["--domain", str(case.domain), "--out", str(BUILD_DIR)]
        + ["--fixed-model-name", model_name],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    return Run(case.name, seconds, component_seconds(result.stdout + result.stderr))


def measure() -> list[Run]:
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="training-", dir=BUILD_DIR) as name:
        folder = Path(name)
        shipped = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
        config = folder / "config.yml"
        config.write_text(
            yaml.safe_dump(
                with_settings(shipped, SENTENCE_FEATURIZER, cache_dir=str(folder / "vectors")),
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        data, domain = PROJECT_ROOT / "data", PROJECT_ROOT / "domain.yml"
        added = with_one_more_example(data, folder)
        cases = [
            Case("clean clone (every text encoded)", True, data, domain),
            Case("nothing new to encode (lexicon changed)", True, data, domain),
            # from scratch first: Rasa's cache keys an output by its inputs, not by whether it
            # was finetuned, so after the finetuning it would return the finetuned outputs
            Case("one training example added, from scratch", False, added, domain),
            Case(
                "one training example added (finetuning)",
                False,
                added,
                domain,
                BUILD_DIR / "case-1.tar.gz",
            ),
            Case(
                "one domain.yml response reworded",
                False,
                data,
                with_one_response_reworded(domain, folder),
            ),
        ]
        return [train(case, config, f"case-{number}") for number, case in enumerate(cases)]


def render(runs: list[Run], measured_on: str) -> str:
    clean, unchanged, from_scratch, data_change, response_change = runs
    names = sorted({name for run in runs for name in run.components} - {CLASSIFIER})
    lines = [
        "# Training time (`make train`)",
        "",
        f"Machine: {measured_on}.",
        "",
        "Each case is one `rasa train` through `spine_assistant.train`, as `make train` runs",
        "it: the first two forced (as after a change to the spaCy pipeline), the others",
        "with Rasa's training cache, the fourth finetuning the second case's model (the",
        "cases: module docstring of evaluation/training_time.py). Seconds.",
        "",
        "| case | total | logistic regression | other components | the rest |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(
            f"| {run.case} | {run.seconds:.0f} | {run.classifier_seconds:.0f} | "
            f"{run.other_components_seconds:.0f} | {run.rest_seconds:.0f} |"
        )
    encoding = clean.seconds - unchanged.seconds

    def verdict(seconds: float, target: int) -> str:
        met = "met" if seconds <= target else "**missed**"
        return f"{seconds:.0f} s, target ≤ {target} s: {met}"

    lines += [
        "",
        f"Other components: {', '.join(names)}.",
        "",
        "The rest: start-up, reading the data, spaCy and the featurizers over",
        "every training example (the sentence encoder among them), the dialogue policy and",
        "saving the model.",
        "",
        "## Issue 15's goals",
        "",
        f"- Full train from a clean clone: {verdict(clean.seconds, FULL_TRAIN_TARGET_SECONDS)}.",
        "- After a data-only change: one training example added "
        f"{verdict(data_change.seconds, DATA_CHANGE_TARGET_SECONDS)} ({from_scratch.seconds:.0f} s "
        "from scratch); one domain.yml response "
        "reworded "
        f"{verdict(response_change.seconds, DATA_CHANGE_TARGET_SECONDS)}.",
        "",
        "## What bounds them",
        "",
        f"- Encoding the training texts with the sentence encoder: about {encoding:.0f} s (the",
        "  first case less the second). A retrain encodes only texts it has not seen.",
        f"- The logistic regression: {unchanged.classifier_seconds:.0f} s after any change to the",
        "  training examples, the lexicon, the code or the config: the L-BFGS iterations set",
        "  in config.yml over every training example (docs/decisions.md: fewer iterations",
        "  lost blind-set answers); finetuning starts from the last model's coefficients and",
        f"  takes at most `finetune_max_iter` iterations: {data_change.classifier_seconds:.0f} s.",
        f"- The rest: {unchanged.rest_seconds:.0f} s for any change to the training examples,",
        "  the lexicon, the code or the config. Rasa reuses a component's output only while",
        "  all of the training data before it is unchanged, so one more example retrains",
        "  every NLU component; a reworded domain.yml response changes only the domain, so",
        "  the NLU components come from Rasa's cache. The",
        "  project's components give Rasa a digest of their code (components/base.py), so a",
        "  changed module is never served from the cache.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    runs = measure()
    REPORT.write_text(render(runs, machine()), encoding="utf-8")
    print(REPORT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
