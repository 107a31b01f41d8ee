"""Rasa's SpacyNLP, loading each spaCy pipeline once per process.

Rasa builds SpacyNLP twice in every graph, as the node that provides the model to the
components that read it and as the node that runs it over messages, and each
`SpacyNLP.create` loads the pipeline from disk again: about 1.2 s and 55 MB of memory
each, at every server start and every training (docs/decisions.md). Here those nodes
share one load, which the graph passes to every component that names this one as its
`model_from`, until the pipeline's folder is rebuilt (`make spacy`).
"""

from __future__ import annotations

from pathlib import Path

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from spacy.language import Language

from spine_assistant.components.base import FingerprintsProjectCode

PipelineVersion = tuple[tuple[str, int], ...]

_loaded: dict[str, tuple[PipelineVersion, Language]] = {}


def _version(folder: Path) -> PipelineVersion:
    """When each file of a pipeline folder was last written: changes on a rebuild."""
    return tuple(
        sorted((str(path), path.stat().st_mtime_ns) for path in folder.rglob("*") if path.is_file())
    )


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SharedSpacyNLP",
)
class SharedSpacyNLP(FingerprintsProjectCode, SpacyNLP):
    """SpacyNLP whose model is loaded once for all the nodes of a process. Like every
    project component it gives Rasa's cache the project's code digest: the pipeline's
    span rulers run the project's code (gated_span_ruler.py), so a change to it must
    parse the training data again, not reuse the docs of the old code."""

    @staticmethod
    def load_model(spacy_model_name: str) -> SpacyModel:
        """The pipeline under the name it was asked for (Rasa's cache fingerprints the
        name), loaded by the first node that asks for it."""
        folder = Path(spacy_model_name).resolve()
        if folder.is_dir():
            key, version = str(folder), _version(folder)
        else:  # an installed package's name: loaded as SpacyNLP loads it
            key, version = spacy_model_name, ()
        cached = _loaded.get(key)
        if cached is None or cached[0] != version:
            _loaded[key] = (version, SpacyNLP.load_model(spacy_model_name).model)
        return SpacyModel(model=_loaded[key][1], model_name=spacy_model_name)
