"""Each converter family on tiny graphs, checked against onnxruntime."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper

from tests.convert.helpers import check_against_onnxruntime, const, make_model

F = np.float32
RNG = np.random.default_rng(1)


def w(*shape):
    return (RNG.standard_normal(shape) * 0.3).astype(F)


def node(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, name=f"{op.lower()}_{outputs[0]}", **attrs)


def cnn_model(opset=17):
    nodes = [
        node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], strides=[2, 2]),
        node("BatchNormalization", ["c1", "s", "bb", "m", "v"], ["bn"]),
        node("Clip", ["bn", "lo", "hi"], ["r"]),
        node("MaxPool", ["r"], ["p"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        node("Conv", ["p", "w2"], ["c2"], group=8, pads=[1, 1, 1, 1]),
        node("HardSwish", ["c2"], ["hs"]),
        node("GlobalAveragePool", ["hs"], ["g"]),
        node("Conv", ["g", "w3"], ["se"]),
        node("HardSigmoid", ["se"], ["gate"], alpha=1 / 6),
        node("Mul", ["hs", "gate"], ["scaled"]),
        node("Add", ["scaled", "p"], ["a"]),
        node("Concat", ["a", "p"], ["cat"], axis=1),
        node("AveragePool", ["cat"], ["ap"], kernel_shape=[2, 2], strides=[2, 2]),
        node("Flatten", ["ap"], ["f"]),
        node("Gemm", ["f", "wf", "bf"], ["y"], transB=1),
        node("Softmax", ["y"], ["out"], axis=1),
    ]
    inits = [const("w1", w(8, 3, 3, 3)), const("b1", w(8)), const("s", np.abs(w(8)) + 0.5), const("bb", w(8)),
             const("m", w(8)), const("v", np.abs(w(8)) + 0.5), const("lo", F(0)), const("hi", F(6)),
             const("w2", w(8, 1, 3, 3)), const("w3", w(8, 8, 1, 1)), const("wf", w(10, 256)),
             const("bf", w(10))]
    return make_model(nodes, [("x", F, [1, 3, 32, 32])], [("out", F, [1, 10])], inits, opset)


@pytest.mark.parametrize("keep_layout", [False, True])
def test_small_cnn_matches_onnxruntime(keep_layout):
    check_against_onnxruntime(cnn_model(), keep_layout=keep_layout)


def test_channels_last_has_transposes_only_at_the_input():
    from mstool.toolkit.convert.graph import convert_graph
    from mstool.toolkit.convert.loader import load_onnx

    graph = convert_graph(load_onnx(cnn_model()))
    transposes = [ln for ln in graph.lines if "keras.ops.transpose" in ln]
    # One into channels-last at the input, one back where Flatten leaves the spatial part: no pairs.
    assert len(transposes) == 2 and "(x, (0, 2, 3, 1))" in transposes[0] and "averagepool" in transposes[1]
    assert any("keras.layers.Conv2D(" in ln for ln in graph.lines)
    assert any("keras.layers.DepthwiseConv2D(" in ln for ln in graph.lines)


def transformer_block():
    nodes = [
        node("Gather", ["emb", "ids"], ["e"]),
        node("LayerNormalization", ["e", "g", "beta"], ["ln"], axis=-1, epsilon=1e-12),
        node("MatMul", ["ln", "wq"], ["q"]),
        node("Add", ["q", "bq"], ["qb"]),
        node("Reshape", ["qb", "heads"], ["qh"]),
        node("Transpose", ["qh"], ["qt"], perm=[0, 2, 1, 3]),
        node("Transpose", ["qh"], ["kt"], perm=[0, 2, 3, 1]),
        node("MatMul", ["qt", "kt"], ["scores"]),
        node("Div", ["scores", "scale"], ["scaled"]),
        node("Cast", ["mask"], ["maskf"], to=1),
        node("Sub", ["one", "maskf"], ["inv"]),
        node("Mul", ["inv", "neg"], ["bias"]),
        node("Unsqueeze", ["bias", "axes12"], ["bias4"]),
        node("Add", ["scaled", "bias4"], ["masked"]),
        node("Softmax", ["masked"], ["probs"], axis=-1),
        node("MatMul", ["probs", "qt"], ["ctx"]),
        node("Transpose", ["ctx"], ["ctx_t"], perm=[0, 2, 1, 3]),
        node("Shape", ["ln"], ["shp"]),
        node("Reshape", ["ctx_t", "shp"], ["merged"]),
        node("Div", ["merged", "sqrt2"], ["half"]),
        node("Erf", ["half"], ["erf"]),
        node("Add", ["erf", "one"], ["erf1"]),
        node("Mul", ["merged", "erf1"], ["gelu2"]),
        node("Mul", ["gelu2", "halfc"], ["gelu"]),
        node("Gemm", ["g0", "wg"], ["pooled"], transB=0),
        node("Slice", ["gelu", "s0", "s1", "s2"], ["first"]),
        node("Squeeze", ["first", "s2"], ["cls"]),
        node("Tanh", ["cls"], ["out"]),
        node("Expand", ["maskf", "exp_shape"], ["mask_big"]),
        node("Where", ["cond", "gelu", "zero"], ["out2"]),
    ]
    nodes = [n for n in nodes if n.op_type != "Gemm"]
    inits = [const("emb", w(20, 16)), const("g", np.abs(w(16)) + 0.5), const("beta", w(16)),
             const("wq", w(16, 16)),
             const("bq", w(16)), const("heads", np.array([2, 6, 2, 8], np.int64)), const("scale", F(2.83)),
             const("one", F(1)), const("neg", F(-10000)), const("axes12", np.array([1, 2], np.int64)),
             const("sqrt2", F(1.4142135)), const("halfc", F(0.5)), const("s0", np.array([0], np.int64)),
             const("s1", np.array([1], np.int64)), const("s2", np.array([1], np.int64)),
             const("exp_shape", np.array([2, 6], np.int64)), const("zero", F(0))]
    inputs = [("ids", np.int64, [2, 6]), ("mask", np.int64, [2, 6]), ("cond", np.bool_, [2, 6, 16])]
    return make_model(nodes, inputs, [("out", F, [2, 16]), ("out2", F, [2, 6, 16])], inits)


def test_transformer_block_matches_onnxruntime():
    check_against_onnxruntime(transformer_block())


UNARY_OPS = ["Abs", "Neg", "Exp", "Sqrt", "Floor", "Ceil", "Sin", "Cos", "Tanh", "Sigmoid", "Relu", "Erf",
             "Softplus", "Softsign", "Atan", "Sign", "Reciprocal", "Round"]


def test_unary_table_matches_onnxruntime():
    nodes, outputs = [node("Abs", ["x"], ["xa"]), node("Add", ["xa", "eps"], ["xp"])], []
    for op in UNARY_OPS:
        source = "xp" if op in ("Sqrt", "Reciprocal") else "x"
        nodes.append(node(op, [source], [f"y_{op}"]))
        outputs.append((f"y_{op}", F, [2, 3, 4]))
    model = make_model(nodes, [("x", F, [2, 3, 4])], outputs, [const("eps", F(0.1))])
    check_against_onnxruntime(model)


@pytest.mark.parametrize("op, attrs", [
    ("LeakyRelu", {"alpha": 0.2}), ("Elu", {"alpha": 0.7}), ("Selu", {}), ("Celu", {"alpha": 1.3}),
    ("ThresholdedRelu", {"alpha": 0.4}), ("Shrink", {"lambd": 0.3, "bias": 0.1}),
    ("ReduceMean", {"axes": [1], "keepdims": 0}), ("ReduceMax", {"axes": [2]}),
    ("ReduceL2", {"axes": [-1]}), ("ReduceLogSumExp", {"axes": [0, 2], "keepdims": 0}),
    ("LogSoftmax", {"axis": 1}), ("Hardmax", {"axis": -1}), ("ArgMax", {"axis": 1}),
])
def test_single_input_ops(op, attrs):
    model = make_model([node(op, ["x"], ["y"], **attrs)], [("x", F, [2, 3, 4])], [("y", None, None)])
    check_against_onnxruntime(model)


def test_split_resize_pad_transpose_conv():
    nodes = [
        node("Conv", ["x", "wc"], ["c"], kernel_shape=[3, 3], auto_pad="SAME_UPPER", strides=[2, 2]),
        node("Split", ["c", "parts"], ["a", "b"], axis=1),
        node("Sigmoid", ["a"], ["sa"]),
        node("Mul", ["sa", "b"], ["m"]),
        node("Resize", ["m", "", "scales"], ["up"], mode="nearest"),
        node("Resize", ["m", "", "", "sizes"], ["lin"], mode="linear"),
        node("Pad", ["up", "pads"], ["padded"], mode="reflect"),
        node("ConvTranspose", ["m", "wt"], ["ct"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]),
        node("Slice", ["padded", "st", "en", "ax"], ["cut"]),
        node("Concat", ["cut", "ct"], ["cat"], axis=1),
        node("DepthToSpace", ["cat", ], ["d2s"], blocksize=2, mode="CRD"),
        node("ReduceSum", ["d2s", "rax"], ["out"], keepdims=1),
    ]
    inits = [const("wc", w(4, 3, 3, 3)), const("parts", np.array([2, 2], np.int64)),
             const("scales", np.array([1, 1, 2, 2], F)), const("sizes", np.array([1, 2, 16, 16], np.int64)),
             const("pads", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)), const("wt", w(2, 2, 3, 3)),
             const("st", np.array([1, 1], np.int64)), const("en", np.array([17, 17], np.int64)),
             const("ax", np.array([2, 3], np.int64)), const("rax", np.array([1], np.int64))]
    outputs = [("out", F, [1, 1, 32, 32]), ("lin", F, [1, 2, 16, 16])]
    model = make_model(nodes, [("x", F, [1, 3, 16, 16])], outputs, inits)
    check_against_onnxruntime(model)


def test_opset9_upsample_and_old_style_attributes():
    nodes = [node("Upsample", ["x", "scales"], ["u"], mode="nearest"),
             node("Unsqueeze", ["u"], ["u5"], axes=[0]), node("Squeeze", ["u5"], ["s"], axes=[0]),
             node("Softmax", ["s"], ["y"], axis=1)]
    model = make_model(nodes, [("x", F, [1, 2, 3, 3])], [("y", F, [1, 2, 6, 6])],
                       [const("scales", np.array([1, 1, 2, 2], F))], opset=9)
    check_against_onnxruntime(model)


def test_integer_and_boolean_ops():
    nodes = [node("Div", ["a", "b"], ["q"]), node("Mod", ["a", "b"], ["r"]),
             node("Greater", ["a", "b"], ["gt"]), node("Not", ["gt"], ["ng"]),
             node("And", ["gt", "ng"], ["z"]),
             node("Cast", ["z"], ["out"], to=7), node("Add", ["q", "r"], ["s"]),
             node("CumSum", ["s", "axis"], ["cs"], exclusive=1), node("Equal", ["cs", "a"], ["eq"])]
    model = make_model(nodes, [("a", np.int64, [3, 4]), ("b", np.int64, [3, 4])],
                       [("out", np.int64, [3, 4]), ("cs", np.int64, [3, 4]), ("eq", np.bool_, [3, 4])],
                       [const("axis", np.array(1, np.int64))])
    feeds = {"a": np.arange(12, dtype=np.int64).reshape(3, 4) - 3, "b": np.full((3, 4), 4, np.int64)}
    check_against_onnxruntime(model, feeds=feeds)


@pytest.mark.parametrize("attrs", [
    {"mode": "cubic"}, {"mode": "linear", "coordinate_transformation_mode": "align_corners"},
    {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "ceil"},
    {"mode": "linear", "antialias": 1},
])
def test_resize_modes_without_a_keras_layer(attrs):
    sizes = [1, 2, 5, 7] if attrs.get("antialias") else [1, 2, 13, 9]
    nodes = [node("Relu", ["x"], ["r"]), node("Resize", ["r", "", "", "sizes"], ["y"], **attrs)]
    model = make_model(nodes, [("x", F, [1, 2, 8, 10])], [("y", F, sizes)],
                       [const("sizes", np.array(sizes, np.int64))], opset=18)
    check_against_onnxruntime(model)


@pytest.mark.parametrize("mode", ["linear", "cubic"])
@pytest.mark.parametrize("scale", [0.6, 0.45, 1.7])
def test_resize_align_corners_by_scales_uses_the_whole_output_length(mode, scale):
    # 10 * 0.45 = 4.5 -> 4 outputs: onnxruntime spaces them over (4 - 1), not (4.5 - 1)
    nodes = [node("Resize", ["x", "", "scales"], ["y"], mode=mode,
                  coordinate_transformation_mode="align_corners")]
    model = make_model(nodes, [("x", F, [1, 2, 7, 10])], [("y", None, None)],
                       [const("scales", np.array([1, 1, scale, scale], F))], opset=18)
    check_against_onnxruntime(model)


@pytest.mark.parametrize("attrs", [
    {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]},
    {"kernel_shape": [2, 3], "strides": [1, 2], "dilations": [2, 1], "storage_order": 1},
    {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1},
])
@pytest.mark.parametrize("keep_layout", [False, True])
def test_max_pool_indices_match_onnxruntime(attrs, keep_layout):
    # Relu leaves ties (zeros): the first maximum of a window is the one indexed
    nodes = [node("Relu", ["x"], ["r"]), node("MaxPool", ["r"], ["y", "i"], **attrs)]
    model = make_model(nodes, [("x", F, [2, 3, 7, 8])], [("y", None, None), ("i", None, None)])
    check_against_onnxruntime(model, keep_layout=keep_layout)


def test_max_pool_indices_follow_a_dynamic_batch():
    from mstool.toolkit.convert import onnx_to_keras_model

    nodes = [node("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 2], strides=[2, 2])]
    model = make_model(nodes, [("x", F, ["batch", 3, 4, 3])], [("y", None, None), ("i", None, None)])
    x = np.random.default_rng(1).normal(size=(3, 3, 4, 3)).astype(F)  # batch = channels = width
    import onnxruntime as ort

    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"x": x})
    got = onnx_to_keras_model(model)(x)
    np.testing.assert_array_equal(np.asarray(got[1]), expected[1])
    assert expected[1].max() > 2 * 3 * 4 * 3  # indices count the batch and channel planes before


@pytest.mark.parametrize("output_shape, attrs", [
    ([10, 8], {}),  # past the full output (9, 7): the extra cells hold the bias only
    ([7, 6], {}),  # inside it: cropped, the odd cell at the end
    ([7, 6], {"auto_pad": "SAME_UPPER"}),  # ... at the start
    ([10, 8], {"output_padding": [1, 1]}),
])
@pytest.mark.parametrize("keep_layout", [False, True])
def test_conv_transpose_output_shape(output_shape, attrs, keep_layout):
    nodes = [node("ConvTranspose", ["x", "wt", "bias"], ["y"], strides=[3, 2], output_shape=output_shape,
                  **attrs)]
    model = make_model(nodes, [("x", F, [2, 2, 3, 3])], [("y", None, None)],
                       [const("wt", w(2, 3, 3, 3)), const("bias", w(3))])
    check_against_onnxruntime(model, keep_layout=keep_layout)


def test_average_pool_excluding_pads_and_ceil_mode():
    nodes = [node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 0, 1, 0],
                  ceil_mode=1)]
    model = make_model(nodes, [("x", F, [1, 2, 8, 9])], [("y", None, None)])
    check_against_onnxruntime(model)


@pytest.mark.parametrize("bias_shape", [[1, 4, 1], [4, 1], [1, 1, 4, 1]])
def test_add_of_a_vector_along_a_middle_axis(bias_shape):
    # keras.ops.add would route these through tf.nn.bias_add on the wrong axis.
    shape = [2, 4, 4] if len(bias_shape) < 4 else [2, 4, 4, 4]
    nodes = [node("Relu", ["x"], ["r"]), node("Add", ["r", "bias"], ["y"])]
    model = make_model(nodes, [("x", F, shape)], [("y", F, shape)], [const("bias", w(*bias_shape))])
    check_against_onnxruntime(model)
