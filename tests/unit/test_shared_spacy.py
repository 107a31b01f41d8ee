"""The spaCy pipeline is loaded once for every graph node of a process, not once each."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyNLP

from spine_assistant.components.answerability import AnswerabilityCheck
from spine_assistant.components.parsed_doc_entities import ParsedDocEntityExtractor
from spine_assistant.components.shared_spacy import SharedSpacyNLP
from spine_assistant.knowledge.paths import PROJECT_ROOT
from tests.conftest import SPACY_PIPELINE


def created(model: str) -> SharedSpacyNLP:
    """The component as Rasa's graph builds it for one node."""
    config = {**SharedSpacyNLP.get_default_config(), "model": model}
    return SharedSpacyNLP.create(config, None, None, None)  # type: ignore[arg-type]


def test_the_provider_and_the_runner_share_one_pipeline() -> None:
    provider, runner = created(str(SPACY_PIPELINE)), created(str(SPACY_PIPELINE))
    assert provider.provide().model is runner.provide().model


def test_a_relative_path_shares_the_pipeline_and_keeps_its_own_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """config.yml names the pipeline relative to the project; a full path names the same
    folder. Rasa's cache fingerprints the name, so each keeps the one it gave."""
    monkeypatch.chdir(PROJECT_ROOT)
    relative = str(SPACY_PIPELINE.relative_to(PROJECT_ROOT))
    by_relative, by_full = (
        SharedSpacyNLP.load_model(relative),
        SharedSpacyNLP.load_model(str(SPACY_PIPELINE)),
    )
    assert by_relative.model is by_full.model
    assert (by_relative.model_name, by_full.model_name) == (relative, str(SPACY_PIPELINE))


def test_a_rebuilt_pipeline_is_loaded_again(tmp_path: Path) -> None:
    copy = tmp_path / "pipeline"
    shutil.copytree(SPACY_PIPELINE, copy)
    first = SharedSpacyNLP.load_model(str(copy)).model
    assert SharedSpacyNLP.load_model(str(copy)).model is first
    meta = copy / "meta.json"
    written = meta.stat().st_mtime_ns
    os.utime(meta, ns=(written + 10**9, written + 10**9))  # as `make spacy` rewrites it
    assert SharedSpacyNLP.load_model(str(copy)).model is not first


def test_the_pipeline_is_rasas_spacy_nlp_for_the_components_that_need_it() -> None:
    """The emergency detector, the answerability check and Rasa's spaCy tokenizer
    require SpacyNLP; the entity extractor and the answerability check take their model
    from this provider."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    assert "spine_assistant.components.shared_spacy.SharedSpacyNLP" in names
    assert issubclass(SharedSpacyNLP, SpacyNLP)
    for component in (ParsedDocEntityExtractor, AnswerabilityCheck):
        registered = DefaultV1Recipe._from_registry(component.__name__)
        assert registered.model_from == SharedSpacyNLP.__name__
