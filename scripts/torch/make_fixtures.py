#!/usr/bin/python3
"""Golden fixtures for the engine, computed by PyTorch (the specification of every number).

Run with Debian's python3-torch:  /usr/bin/python3 scripts/torch/make_fixtures.py
Writes test/fixtures/torch/*.json, which are committed so that CI needs no torch;
test/conformance/torch.test.ts replays them against the engine.

Every case carries the engine's own option names (camelCase), so the test passes them through.
Random cases come from a fixed seed, so a rerun reproduces the same files.
- float64 cases hold small integers: the engine must match them exactly;
- float32 cases hold normal samples: within 1e-5 relative;
- non-finite values are written as the strings "NaN", "Infinity", "-Infinity".
Cases PyTorch rejects go to errors.json: the engine must reject them too.
"""
import json
import math
import os
import random
import re
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'torch')
rng = random.Random(20240531)
torch.manual_seed(7)
torch.set_num_threads(1)
warnings.filterwarnings('ignore', category=UserWarning)  # padding='same' with even kernels copies the input


# ---------------------------------------------------------------- encoding

def number(v, dtype):
    """One value as JSON: the shortest decimal that reads back to the same float32/float64."""
    v = float(v)
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    if dtype == 'float32':
        text = str(np.float32(v))
        assert np.float32(float(text)) == np.float32(v), (v, text)
        v = float(text)
    if v == int(v) and not (v == 0 and math.copysign(1, v) < 0) and abs(v) < 2**53:
        return int(v)
    return v


def enc(t, dtype=None):
    dtype = dtype or str(t.dtype).replace('torch.', '')
    flat = t.detach().reshape(-1).tolist()
    return {'shape': list(t.shape), 'data': [number(v, dtype) for v in flat]}


def torch_dtype(name):
    return torch.float64 if name == 'float64' else torch.float32


def sample(shape, dtype, low=-4, high=4):
    """Small integers for float64 (exact sums), normal samples for float32."""
    if dtype == 'float64':
        return torch.randint(low, high + 1, shape).to(torch.float64)
    return torch.randn(shape, dtype=torch.float32)


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def pick(*choices):
    return rng.choice(choices)


def layout_shape(layout, n, c, h, w):
    return {'HW': [h, w], 'CHW': [c, h, w], 'NCHW': [n, c, h, w]}[layout]


def to_nchw(x, layout):
    return {'HW': lambda: x[None, None], 'CHW': lambda: x[None], 'NCHW': lambda: x}[layout]()


def describe(op, x, extra):
    parts = [f'x=[{",".join(map(str, x.shape))}]'] + [f'{k}={v}' for k, v in extra.items() if v is not None]
    return f'{op} ' + ' '.join(parts)


# ---------------------------------------------------------------- the ops as PyTorch runs them

def torch_conv2d(x, w, b, o):
    """nn.Conv2d semantics; four-sided padding (not a PyTorch argument) as F.pad then an unpadded conv."""
    mode = o.get('paddingMode', 'zeros')
    weight = torch.flip(w, [2, 3]) if o.get('convolution') else w
    padding = o.get('padding', 0)
    stride, dilation, groups = o.get('stride', 1), o.get('dilation', 1), o.get('groups', 1)
    if isinstance(padding, list) and len(padding) == 4:
        top, bottom, left, right = padding
        x = F.pad(x, (left, right, top, bottom), mode='constant' if mode == 'zeros' else mode)
        return F.conv2d(x, weight, b, stride=stride, padding=0, dilation=dilation, groups=groups)
    conv = torch.nn.Conv2d(w.shape[1] * groups, w.shape[0], tuple(w.shape[2:]), stride=stride,
                           padding=tuple(padding) if isinstance(padding, list) else padding,
                           dilation=dilation, groups=groups, bias=b is not None, padding_mode=mode,
                           dtype=w.dtype)
    with torch.no_grad():
        conv.weight.copy_(weight)
        if b is not None:
            conv.bias.copy_(b)
        return conv(x)


def torch_conv_transpose2d(x, w, b, o):
    return F.conv_transpose2d(x, w, b, stride=o.get('stride', 1), padding=o.get('padding', 0),
                              output_padding=o.get('outputPadding', 0), groups=o.get('groups', 1),
                              dilation=o.get('dilation', 1))


def torch_pool(op, x, o):
    if op == 'global_max_pool2d':
        return F.adaptive_max_pool2d(x, 1)
    if op == 'global_avg_pool2d':
        return F.adaptive_avg_pool2d(x, 1)
    k, s, p = o['kernelSize'], o.get('stride'), o.get('padding', 0)
    if op == 'max_pool2d':
        return F.max_pool2d(x, k, s, p, dilation=o.get('dilation', 1), ceil_mode=o.get('ceilMode', False),
                            return_indices=True)
    if op == 'avg_pool2d':
        return F.avg_pool2d(x, k, s, p, ceil_mode=o.get('ceilMode', False),
                            count_include_pad=o.get('countIncludePad', True),
                            divisor_override=o.get('divisorOverride'))
    if op == 'lp_pool2d':
        return F.lp_pool2d(x, o['normType'], k, s, ceil_mode=o.get('ceilMode', False))
    raise ValueError(op)


def run(case_op, x, w, b, o):
    """Runs one case as PyTorch would; returns (output, indices or None)."""
    if case_op == 'conv2d':
        return torch_conv2d(x, w, b, o), None
    if case_op == 'conv_transpose2d':
        return torch_conv_transpose2d(x, w, b, o), None
    out = torch_pool(case_op, x, o)
    if case_op == 'max_pool2d':
        return out[0], out[1]
    return out, None


def make_case(name, op, dtype, layout, x, w=None, b=None, options=None):
    """Runs the op in PyTorch and records it; returns None (and an error case) when PyTorch refuses."""
    options = options or {}
    x4 = to_nchw(x, layout)
    try:
        with torch.no_grad():
            y, idx = run(op, x4, w, b, options)
    except (RuntimeError, ValueError) as e:
        errors.append(error_case(name, op, x, w, b, options, e))
        return None
    # The engine returns HW/CHW inputs as CHW for convs and in the input's own layout for pools.
    pool = op not in ('conv2d', 'conv_transpose2d')
    if layout != 'NCHW':
        y = y[0] if not pool or layout == 'CHW' else y[0, 0]
        if idx is not None:
            idx = idx[0] if layout == 'CHW' else idx[0, 0]
    case = {'name': name, 'op': op, 'dtype': dtype, 'options': options, 'input': enc(x, dtype)}
    if w is not None:
        case['weight'] = enc(w, dtype)
    if b is not None:
        case['bias'] = enc(b, dtype)
    case['expected'] = enc(y, dtype)
    if idx is not None:
        case['indices'] = enc(idx.to(torch.float64), 'float64')
    return case


def stable_message(e):
    """PyTorch's first message line; Python sets in it are sorted, so reruns write the same file."""
    line = str(e).split('\n')[0][:300]
    return re.sub(r'\{([^{}]*)\}', lambda m: '{' + ', '.join(sorted(m.group(1).split(', '))) + '}', line)


def error_case(name, op, x, w, b, options, e):
    return {
        'name': name,
        'op': op,
        'options': options,
        'input': {'shape': list(x.shape), 'dtype': str(x.dtype).replace('torch.', '')},
        'weight': None if w is None else {'shape': list(w.shape), 'dtype': str(w.dtype).replace('torch.', '')},
        'bias': None if b is None else {'shape': list(b.shape), 'dtype': str(b.dtype).replace('torch.', '')},
        'torchMessage': stable_message(e),
    }


errors = []

# ---------------------------------------------------------------- random configurations

def random_conv2d(i):
    dtype = pick('float64', 'float64', 'float32')
    kind = pick('plain', 'plain', 'grouped', 'depthwise')
    if kind == 'depthwise':
        groups = rng.randint(2, 4)
        cin, cout = groups, groups * rng.randint(1, 2)
    elif kind == 'grouped':
        groups = rng.randint(2, 3)
        cin, cout = groups * rng.randint(1, 2), groups * rng.randint(1, 2)
    else:
        groups = 1
        cin, cout = rng.randint(1, 3), rng.randint(1, 3)
    layout = pick('NCHW', 'NCHW', 'CHW') if cin > 1 else pick('NCHW', 'CHW', 'HW')
    n = rng.randint(1, 2) if layout == 'NCHW' else 1
    kh, kw = rng.randint(1, 4), rng.randint(1, 4)
    dil = pick(1, 1, 2, 3, [1, 2], [2, 1])
    form = pick('int', 'pair', 'sides', 'same', 'valid', 'int')
    stride = 1 if form == 'same' else pick(1, 1, 2, 3, [1, 2], [2, 1], [3, 2])
    dh, dw = pair(dil)
    ekh, ekw = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    h, w_ = rng.randint(max(2, ekh - 2), ekh + 6), rng.randint(max(2, ekw - 2), ekw + 6)
    if form == 'int':
        padding = rng.randint(0, 2)
    elif form == 'pair':
        padding = [rng.randint(0, 2), rng.randint(0, 2)]
    elif form == 'sides':
        padding = [rng.randint(0, 2) for _ in range(4)]
    else:
        padding = form
    mode = pick('zeros', 'zeros', 'reflect', 'replicate', 'circular')
    if mode != 'zeros':
        # Keep the padding within what each mode allows (reflect: < size; circular: ≤ size).
        h, w_ = max(h, 3), max(w_, 3)
    options = {'stride': stride, 'padding': padding, 'dilation': dil, 'groups': groups, 'paddingMode': mode}
    if rng.random() < 0.15:
        options['convolution'] = True
    x = sample(layout_shape(layout, n, cin, h, w_), dtype)
    w = sample([cout, cin // groups, kh, kw], dtype)
    b = sample([cout], dtype) if rng.random() < 0.6 else None
    name = describe('conv2d', x, {'w': f'[{",".join(map(str, w.shape))}]', 's': stride, 'p': padding, 'd': dil,
                                  'g': groups, 'mode': mode, 'bias': b is not None,
                                  'flip': options.get('convolution'), 'dtype': dtype, '#': i})
    return make_case(name, 'conv2d', dtype, layout, x, w, b, options)


def random_conv_transpose2d(i):
    dtype = pick('float64', 'float64', 'float32')
    groups = pick(1, 1, 2, 3)
    cin, cout = groups * rng.randint(1, 2), groups * rng.randint(1, 2)
    layout = pick('NCHW', 'NCHW', 'CHW')
    n = rng.randint(1, 2) if layout == 'NCHW' else 1
    kh, kw = rng.randint(1, 4), rng.randint(1, 4)
    stride = pick(1, 2, 3, [1, 2], [3, 2])
    dil = pick(1, 1, 2, [1, 2])
    sh, sw = pair(stride)
    dh, dw = pair(dil)
    padding = pick(0, 0, 1, 2, [1, 0], [0, 2])
    out_pad = [rng.randint(0, max(sh, dh) - 1), rng.randint(0, max(sw, dw) - 1)]
    options = {'stride': stride, 'padding': padding, 'outputPadding': out_pad, 'dilation': dil, 'groups': groups}
    h, w_ = rng.randint(1, 5), rng.randint(1, 5)
    x = sample(layout_shape(layout, n, cin, h, w_), dtype)
    w = sample([cin, cout // groups, kh, kw], dtype)
    b = sample([cout], dtype) if rng.random() < 0.6 else None
    name = describe('conv_transpose2d', x, {'w': f'[{",".join(map(str, w.shape))}]', 's': stride, 'p': padding,
                                            'op': out_pad, 'd': dil, 'g': groups, 'bias': b is not None,
                                            'dtype': dtype, '#': i})
    return make_case(name, 'conv_transpose2d', dtype, layout, x, w, b, options)


def random_pool(op, i):
    dtype = pick('float64', 'float64', 'float32')
    layout = pick('NCHW', 'CHW', 'HW')
    n = rng.randint(1, 2) if layout == 'NCHW' else 1
    c = rng.randint(1, 3) if layout != 'HW' else 1
    kernel = pick(1, 2, 2, 3, 3, 4, [2, 3], [3, 1])
    kh, kw = pair(kernel)
    stride = pick(None, None, 1, 2, 3, [1, 2], [2, 1])
    padding = pick(0, 0, 1, [0, 1], [1, 0]) if op != 'lp_pool2d' else 0
    ph, pw = pair(padding)
    padding = [min(ph, kh // 2), min(pw, kw // 2)] if isinstance(padding, list) else min(padding, kh // 2, kw // 2)
    options = {'kernelSize': kernel, 'stride': stride}
    if op != 'lp_pool2d':
        options['padding'] = padding
    dil = 1
    if op == 'max_pool2d':
        dil = pick(1, 1, 2, [1, 2])
        options['dilation'] = dil
    dh, dw = pair(dil)
    h = rng.randint(max(1, dh * (kh - 1) + 1 - 1), dh * (kh - 1) + 7)
    w_ = rng.randint(max(1, dw * (kw - 1) + 1 - 1), dw * (kw - 1) + 7)
    options['ceilMode'] = rng.random() < 0.4
    if op == 'avg_pool2d':
        options['countIncludePad'] = rng.random() < 0.5
        options['divisorOverride'] = pick(None, None, None, 1, 3, 7)
    if op == 'lp_pool2d':
        options['normType'] = pick(1, 2, 2, 3, 1.5)
    if op == 'max_pool2d':
        options['returnIndices'] = True
    # Few distinct values in float64 so that max pooling meets ties (the first one wins in PyTorch).
    x = sample(layout_shape(layout, n, c, h, w_), dtype, -2, 3)
    if op == 'lp_pool2d' and options['normType'] == 1.5 and rng.random() < 0.7:
        x = x.abs()
    name = describe(op, x, {**{k: v for k, v in options.items() if k != 'returnIndices'}, 'dtype': dtype, '#': i})
    return make_case(name, op, dtype, layout, x, None, None, options)


def random_global(op, i):
    dtype = pick('float64', 'float32')
    layout = pick('NCHW', 'CHW', 'HW')
    n, c = (rng.randint(1, 2), rng.randint(1, 3)) if layout == 'NCHW' else (1, rng.randint(1, 3) if layout == 'CHW' else 1)
    x = sample(layout_shape(layout, n, c, rng.randint(1, 6), rng.randint(1, 6)), dtype)
    return make_case(describe(op, x, {'dtype': dtype, '#': i}), op, dtype, layout, x)


# ---------------------------------------------------------------- hand-made edge cases

def nan_inf_cases():
    nan, inf = float('nan'), float('inf')
    cases = []
    x = torch.tensor([[0, 1, 2, 3], [4, nan, 6, 7], [8, 9, nan, 11], [12, 13, 14, 15]], dtype=torch.float64)
    cases.append(make_case('max_pool2d NaN propagates, index of the last NaN', 'max_pool2d', 'float64', 'HW', x,
                           options={'kernelSize': 2, 'stride': 1, 'returnIndices': True}))
    cases.append(make_case('max_pool2d NaN with padding and ceil', 'max_pool2d', 'float64', 'HW', x,
                           options={'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True, 'returnIndices': True}))
    y = torch.tensor([[-inf, -inf, 1], [-inf, -inf, inf], [2, -inf, 0]], dtype=torch.float64)
    cases.append(make_case('max_pool2d all -inf window keeps its first index', 'max_pool2d', 'float64', 'HW', y,
                           options={'kernelSize': 2, 'stride': 1, 'returnIndices': True}))
    cases.append(make_case('max_pool2d window wholly in padding (dilation 3): -inf at PyTorch\'s index', 'max_pool2d',
                           'float64', 'HW', torch.arange(4.0, dtype=torch.float64).reshape(2, 2),
                           options={'kernelSize': 2, 'stride': 1, 'padding': 1, 'dilation': 3, 'returnIndices': True}))
    cases.append(make_case('avg_pool2d inf and -inf make NaN', 'avg_pool2d', 'float64', 'HW', y,
                           options={'kernelSize': 2, 'stride': 1}))
    cases.append(make_case('global max pool NaN', 'global_max_pool2d', 'float64', 'HW', x))
    cases.append(make_case('global avg pool inf', 'global_avg_pool2d', 'float64', 'HW', y[2:, :1].clone()))
    w = torch.tensor([[[[1, 0], [0, 1]]]], dtype=torch.float64)
    cases.append(make_case('conv2d NaN input reaches every window over it', 'conv2d', 'float64', 'HW', x, w, None,
                           {'padding': 1}))
    winf = torch.tensor([[[[inf, 1], [1, 1]]]], dtype=torch.float64)
    ones = torch.ones(3, 3, dtype=torch.float64)
    for dtype in ('float64', 'float32'):
        cases.append(make_case(f'conv2d inf weight times zero padding is NaN ({dtype})', 'conv2d', dtype, 'HW',
                               ones.to(torch_dtype(dtype)), winf.to(torch_dtype(dtype)), None, {'padding': 1}))
    zero_in = torch.tensor([[0, 1], [2, 0]], dtype=torch.float64)
    cases.append(make_case('conv2d 0 · inf = NaN inside the input', 'conv2d', 'float64', 'HW', zero_in, winf, None, {}))
    cases.append(make_case('conv_transpose2d inf weight', 'conv_transpose2d', 'float64', 'CHW',
                           torch.ones(1, 2, 2, dtype=torch.float64), winf, None, {'padding': 1}))
    cases.append(make_case('lp_pool2d negative sum to a fractional power is NaN', 'lp_pool2d', 'float64', 'HW',
                           torch.arange(9.0, dtype=torch.float64).reshape(3, 3) - 4, None, None,
                           {'normType': 3, 'kernelSize': 2, 'ceilMode': True}))
    ties = torch.tensor([[-0.0, 0.0], [0.0, -0.0]], dtype=torch.float64)
    cases.append(make_case('max_pool2d signed zeros: the first wins', 'max_pool2d', 'float64', 'HW', ties,
                           options={'kernelSize': 2, 'returnIndices': True}))
    # Big enough for the engine's SIMD max-pool kernel, which must also keep the first of -0 and 0.
    zeros32 = torch.zeros(2, 8, 8, dtype=torch.float32)
    zeros32[:, ::2, ::2] = -0.0
    zeros32[1, 3, 5] = float('nan')
    cases.append(make_case('max_pool2d float32 signed zeros and NaN, 2×2 stride 2', 'max_pool2d', 'float32', 'CHW',
                           zeros32, options={'kernelSize': 2, 'returnIndices': True}))
    return [c for c in cases if c]


def forced_errors():
    """Calls PyTorch rejects; each must raise here (checked) and in the engine (tested)."""
    f64 = torch.float64
    z = lambda *s: torch.zeros(*s, dtype=f64)
    specs = [
        ('conv2d', z(1, 3, 5, 5), z(2, 4, 3, 3), None, {}),
        ('conv2d', z(1, 4, 5, 5), z(3, 2, 3, 3), None, {'groups': 2}),
        ('conv2d', z(1, 3, 5, 5), z(2, 1, 3, 3), None, {'groups': 2}),
        ('conv2d', z(1, 1, 6, 6), z(1, 1, 5, 5), None, {'dilation': 2}),
        ('conv2d', z(1, 1, 2, 2), z(1, 1, 3, 3), None, {}),
        ('conv2d', z(1, 1, 6, 6), z(1, 1, 3, 3), None, {'padding': 'same', 'stride': 2}),
        ('conv2d', z(1, 1, 6, 6), z(1, 1, 3, 3), None, {'padding': -1}),
        ('conv2d', z(1, 1, 6, 6), z(1, 1, 3, 3), None, {'stride': 0}),
        ('conv2d', z(1, 1, 6, 6), z(1, 1, 3, 3), None, {'dilation': 0}),
        ('conv2d', z(1, 1, 6, 6), z(1, 1, 3, 3), None, {'groups': 0}),
        ('conv2d', z(1, 1, 6, 6), z(2, 1, 3, 3), z(3), {}),
        ('conv2d', z(1, 1, 3, 3), z(1, 1, 3, 3), None, {'padding': 3, 'paddingMode': 'reflect'}),
        ('conv2d', z(1, 1, 3, 3), z(1, 1, 3, 3), None, {'padding': 4, 'paddingMode': 'circular'}),
        ('conv2d', z(1, 1, 3, 3), z(1, 3, 3), None, {}),
        ('conv2d', z(1, 1, 5, 5), torch.zeros(1, 1, 3, 3), None, {}),
        ('conv2d', z(1, 1, 5, 5), z(1, 1, 3, 3), None, {'padding': 'full'}),
        ('conv_transpose2d', z(1, 3, 4, 4), z(4, 2, 3, 3), None, {}),
        ('conv_transpose2d', z(1, 2, 4, 4), z(2, 2, 3, 3), None, {'stride': 2, 'outputPadding': 2}),
        ('conv_transpose2d', z(1, 2, 4, 4), z(2, 2, 3, 3), None, {'outputPadding': 1}),
        ('conv_transpose2d', z(1, 2, 2, 2), z(2, 1, 1, 1), None, {'padding': 1}),
        ('conv_transpose2d', z(1, 3, 4, 4), z(3, 1, 3, 3), None, {'groups': 2}),
        ('conv_transpose2d', z(1, 2, 4, 4), z(2, 2, 3, 3), z(3), {}),
        ('conv_transpose2d', z(1, 2, 4, 4), z(2, 2, 3, 3), None, {'padding': -1}),
        ('max_pool2d', z(1, 1, 5, 5), None, None, {'kernelSize': 2, 'padding': 2}),
        ('max_pool2d', z(1, 1, 2, 2), None, None, {'kernelSize': 3}),
        ('max_pool2d', z(1, 1, 5, 5), None, None, {'kernelSize': 2, 'stride': 0}),
        ('max_pool2d', z(1, 1, 5, 5), None, None, {'kernelSize': 0}),
        ('max_pool2d', z(1, 1, 5, 5), None, None, {'kernelSize': 2, 'dilation': 0}),
        ('avg_pool2d', z(1, 1, 5, 5), None, None, {'kernelSize': 3, 'padding': 2}),
        ('avg_pool2d', z(1, 1, 5, 5), None, None, {'kernelSize': 2, 'divisorOverride': 0}),
        ('avg_pool2d', z(1, 1, 1, 1), None, None, {'kernelSize': 2}),
        ('avg_pool2d', z(1, 1, 5, 5), None, None, {'kernelSize': 2, 'padding': -1}),
        ('lp_pool2d', z(1, 1, 2, 2), None, None, {'kernelSize': 3, 'normType': 2}),
    ]
    for op, x, w, b, o in specs:
        name = describe(op, x, {'w': None if w is None else list(w.shape), 'bias': None if b is None else list(b.shape),
                                **o})
        try:
            with torch.no_grad():
                run(op, x, w, b, o)
        except (RuntimeError, ValueError) as e:
            errors.append(error_case(name, op, x, w, b, o, e))
            continue
        sys.exit(f'expected PyTorch to reject: {name}')


# ---------------------------------------------------------------- the seeds' worked examples (S1–S15)

def seeds():
    f32 = torch.float32
    X = torch.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
                      [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
    K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    out = []

    def helper(sid, what, name, args, expected, **extra):
        out.append({'id': sid, 'what': what, 'kind': 'helper', 'helper': name,
                    'args': [enc(a) for a in args], 'expected': enc(expected), **extra})

    y1 = F.conv2d(X[None], K[None])[0, 0]
    assert y1.tolist() == [[56, 72], [104, 120]]
    helper('S1', 'corr2d_multi_in: two channels summed', 'corr2dMultiIn', [X, K], y1)
    K3 = torch.stack((K, K + 1, K + 2), 0)
    y2 = F.conv2d(X[None], K3)[0]
    assert y2.tolist()[2] == [[96, 128], [192, 224]]
    helper('S2', 'corr2d_multi_in_out: K, K+1, K+2 stacked', 'corr2dMultiInOut', [X, K3], y2)

    X3 = torch.normal(0, 1, (3, 3, 3))
    K1 = torch.normal(0, 1, (2, 3, 1, 1))
    y3 = F.conv2d(X3[None], K1)[0]
    helper('S3', '1x1 conv as a matrix product', 'corr2dMultiInOut1x1', [X3, K1], y3)
    helper('S3', '1x1 conv as a correlation', 'corr2dMultiInOut', [X3, K1], y3)

    img = torch.tensor([[0, 0, 0, 0, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0, 1, 1, 0, 0], [0, 1, 0, 0, 0]], dtype=f32)
    lap = torch.tensor([[[[0, 1, 0], [1, -4, 1], [0, 1, 0]]]], dtype=f32)
    y4 = F.conv2d(img[None, None], lap)[0, 0]
    assert y4.tolist() == [[-2, -1, -2], [-1, 0, -2], [-1, -2, 2]]
    helper('S4', 'Laplacian edge detection', 'corr2d', [img, lap[0, 0]], y4)

    x5 = torch.arange(9.0).reshape(3, 3)
    k5 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    y5 = F.conv2d(x5[None, None], k5[None, None])[0, 0]
    assert y5.tolist() == [[19, 25], [37, 43]]
    helper('S5', 'corr2d on 3×3', 'corr2d', [x5, k5], y5)

    x6 = torch.ones(6, 8)
    x6[:, 2:6] = 0
    k6 = torch.tensor([[1.0, -1.0]])
    y6 = F.conv2d(x6[None, None], k6[None, None])[0, 0]
    helper('S6', 'vertical edge detection with [[1, -1]]', 'corr2d', [x6, k6], y6)

    # S7: the seed trains a 1×2 kernel and a bias by gradient descent (lr 0.01, 20 steps, summed squares).
    torch.manual_seed(3)
    weight = torch.randn(1, 1, 1, 2, requires_grad=True)
    bias = torch.randn(1, requires_grad=True)
    w0, b0 = weight.detach().clone(), bias.detach().clone()
    losses = []
    for _ in range(20):
        loss = ((F.conv2d(x6[None, None], weight, bias) - y6[None, None]) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            weight -= 0.01 * weight.grad
            bias -= 0.01 * bias.grad
            weight.grad.zero_()
            bias.grad.zero_()
        losses.append(loss.item())
    assert losses[-1] < losses[0] / 10
    out.append({'id': 'S7', 'what': 'learn the edge kernel by gradient descent', 'kind': 'train',
                'x': enc(x6), 'y': enc(y6), 'weight0': enc(w0), 'bias0': enc(b0), 'lr': 0.01, 'steps': 20,
                'losses': [number(v, 'float32') for v in losses], 'weight': enc(weight), 'bias': enc(bias)})

    x8 = torch.randint(-3, 4, (8, 8)).to(torch.float64)
    k8 = torch.randint(-3, 4, (3, 3)).to(torch.float64)
    for p, s, shape in ((0, 1, [6, 6]), (1, 1, [8, 8]), (0, 2, [3, 3])):
        case = make_case(f'S8 8×8 input, 3×3 kernel, padding {p} stride {s}', 'conv2d', 'float64', 'HW', x8,
                         k8[None, None], None, {'padding': p, 'stride': s})
        assert case['expected']['shape'] == [1] + shape
        out.append({'id': 'S8', 'what': case['name'], 'kind': 'op', 'case': case})

    for opts, shape in (({'padding': 1, 'stride': 2}, [4, 4]), ({'padding': [0, 1], 'stride': [3, 4]}, [2, 2])):
        kshape = [3, 3] if opts['stride'] == 2 else [3, 5]
        wk = torch.randint(-3, 4, [1, 1] + kshape).to(torch.float64)
        case = make_case(f'S9 nn.Conv2d on 8×8, kernel {kshape}, {opts}', 'conv2d', 'float64', 'NCHW',
                         x8[None, None], wk, torch.tensor([1.0], dtype=torch.float64), opts)
        assert case['expected']['shape'] == [1, 1] + shape
        out.append({'id': 'S9', 'what': case['name'], 'kind': 'op', 'case': case})

    macs = 100 * 100 * 5 * 5 * 64 * 64
    out.append({'id': 'S10', 'what': 'cost of a 100→100 5×5 layer with a 64×64 output', 'kind': 'cost',
                'inputShape': [100, 68, 68], 'weightShape': [100, 100, 5, 5], 'macsPerSample': macs,
                'layers': 10, 'samples': 1000000, 'totalMacs': macs * 10 * 1000000,
                'secondsAt': {'0.15e12': macs * 1e7 / 0.15e12, '12e12': macs * 1e7 / 12e12}})

    x11 = torch.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[0, 2, 4], [6, 8, 10], [12, 14, 16]]], dtype=f32)
    k11 = torch.tensor([[[1, 1], [1, 1]], [[0, 1], [2, 3]]], dtype=f32)
    y11 = F.conv2d(x11[None], k11[None])[0, 0]
    assert y11.tolist() == [[50, 66], [98, 114]]
    helper('S11', 'corr2d_multi_in, second example', 'corr2dMultiIn', [x11, k11], y11)

    x12 = torch.arange(9.0).reshape(3, 3)
    helper('S12', 'max pooling 2×2, stride 1', 'pool2d', [x12], F.max_pool2d(x12[None, None], 2, 1)[0, 0],
           poolSize=[2, 2], mode='max')
    helper('S12', 'average pooling 2×2, stride 1', 'pool2d', [x12], F.avg_pool2d(x12[None, None], 2, 1)[0, 0],
           poolSize=[2, 2], mode='avg')

    # S13: MobileNet's depthwise 3×3 then pointwise 1×1 against one full 3×3 conv.
    xm = torch.randint(-2, 3, (1, 4, 6, 6)).to(torch.float64)
    dw = torch.randint(-2, 3, (4, 1, 3, 3)).to(torch.float64)
    pw = torch.randint(-2, 3, (8, 4, 1, 1)).to(torch.float64)
    mid = make_case('S13 depthwise 3×3 (groups 4)', 'conv2d', 'float64', 'NCHW', xm, dw, None, {'groups': 4})
    last = make_case('S13 pointwise 1×1 after it', 'conv2d', 'float64', 'NCHW', F.conv2d(xm, dw, groups=4), pw, None, {})
    out.append({'id': 'S13', 'what': mid['name'], 'kind': 'op', 'case': mid})
    out.append({'id': 'S13', 'what': last['name'], 'kind': 'op', 'case': last})
    out.append({'id': 'S13', 'what': 'depthwise-separable multiply-adds against a full conv', 'kind': 'cost-compare',
                'inputShape': [1, 4, 6, 6], 'depthwise': {'weightShape': [4, 1, 3, 3], 'groups': 4, 'macs': 4 * 9 * 16},
                'pointwise': {'weightShape': [8, 4, 1, 1], 'macs': 8 * 4 * 16},
                'full': {'weightShape': [8, 4, 3, 3], 'macs': 8 * 4 * 9 * 16}})

    x14 = torch.randint(-3, 4, (1, 1, 10, 10)).to(torch.float64)
    w14 = torch.randint(-3, 4, (1, 1, 3, 3)).to(torch.float64)
    case14 = make_case('S14 Conv2D kernel (1,1,3,3) on 1×1×10×10', 'conv2d', 'float64', 'NCHW', x14, w14,
                       torch.tensor([2.0], dtype=torch.float64), {})
    assert case14['expected']['shape'] == [1, 1, 8, 8]
    out.append({'id': 'S14', 'what': case14['name'], 'kind': 'op', 'case': case14})

    k15 = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=torch.float64)
    sym = torch.tensor([[[[1.0, 2.0], [2.0, 1.0]]]], dtype=torch.float64)
    x15 = x5.to(torch.float64)
    for kern, label in ((k15, 'asymmetric'), (sym, 'symmetric')):
        conv = make_case(f'S15 convolution, {label} kernel', 'conv2d', 'float64', 'HW', x15, kern, None,
                         {'convolution': True})
        corr = make_case(f'S15 cross-correlation, {label} kernel', 'conv2d', 'float64', 'HW', x15, kern, None, {})
        same = conv['expected']['data'] == corr['expected']['data']
        assert same == (label == 'symmetric')
        out.append({'id': 'S15', 'what': conv['name'], 'kind': 'op', 'case': conv})
        out.append({'id': 'S15', 'what': corr['name'], 'kind': 'op', 'case': corr, 'sameAsConvolution': same})
    return out


# ---------------------------------------------------------------- printing

def format_cases():
    cases = []

    def add(name, t, **printopts):
        torch.set_printoptions(**printopts)
        try:
            text = str(t)
        finally:
            torch.set_printoptions(profile='default')
            torch.set_printoptions(sci_mode=None)
        integer = t.dtype == torch.int64
        dtype = 'float64' if integer else str(t.dtype).replace('torch.', '')
        cases.append({'name': name, **enc(t.to(torch.float64) if integer else t, dtype), 'dtype': dtype,
                      'integer': integer, 'showDtype': t.dtype == torch.float64,
                      'options': {k: v for k, v in printopts.items()}, 'expected': text})

    f32, f64 = torch.float32, torch.float64
    add('S1 result', torch.tensor([[56.0, 72.0], [104.0, 120.0]]))
    add('S2 result, 3-D', torch.tensor([[[56.0, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]))
    add('S6 result with negatives', torch.tensor([[0.0, 1, 0, 0, 0, -1, 0]] * 6))
    add('fractions', torch.tensor([[0.5, 1.25], [-2.125, 3.0]]))
    add('float64 with its dtype', torch.tensor([[0.5, 1.25], [-2.125, 3.0]], dtype=f64))
    add('float64 integers with its dtype', torch.tensor([1.0, 2.0], dtype=f64))
    add('scalar', torch.tensor(3.5))
    add('integer scalar', torch.tensor(56.0))
    add('ratio over 1000 goes scientific', torch.tensor([0.001, 2.0, 3.5]))
    add('integers with ratio over 1000', torch.tensor([1.0, 2000.0]))
    add('integers over 1e8', torch.tensor([1.0, 2e8]))
    add('tiny values', torch.tensor([1e-5, 2e-5]))
    add('nan and inf among integers', torch.tensor([float('nan'), 1.0, float('inf'), -float('inf')]))
    add('nan and inf among fractions', torch.tensor([float('nan'), 1.5, -float('inf')]))
    add('only nan', torch.tensor([float('nan'), float('nan')]))
    add('zeros', torch.zeros(2, 3))
    add('negative zero', torch.tensor([-0.0, 1.0]))
    add('rounding to 4 places', torch.tensor([0.123456, 1.99999, 2.00005, -0.00015]))
    add('half-way ties round to even (precision 1)', torch.tensor([0.25, 0.75, -0.25, 1.125]), precision=1)
    add('precision 2', torch.tensor([[1.0 / 3, 2.0 / 3], [1.5, 10.0]]), precision=2)
    add('precision 8', torch.tensor([1.0 / 3, 2.0 / 3], dtype=f64), precision=8)
    add('forced scientific', torch.tensor([1.0, 2.5]), sci_mode=True)
    add('forced fixed', torch.tensor([1e-6, 2.0]), sci_mode=False)
    add('wraps at 80 columns', torch.arange(30, dtype=f32) * 1.5)
    add('wraps a 2-D row', torch.arange(40, dtype=f32).reshape(2, 20) / 7)
    add('narrow linewidth', torch.arange(12, dtype=f32), linewidth=30)
    add('summarized 1-D', torch.arange(2000, dtype=f32))
    add('summarized 2-D', torch.arange(1600, dtype=f32).reshape(40, 40) / 3)
    add('summarized 3-D', torch.arange(1200, dtype=f32).reshape(12, 10, 10))
    add('summarized 4-D', torch.arange(1500, dtype=f32).reshape(1, 15, 10, 10) - 700)
    add('threshold option', torch.arange(20, dtype=f32), threshold=10, edgeitems=2)
    add('empty', torch.zeros(0))
    add('empty 2-D', torch.zeros(0, 3))
    add('int64 indices', torch.tensor([[4, 5], [7, 8]]))
    add('int64 wide', torch.tensor([[-1, 100], [7, 8]]))
    add('NCHW output', torch.arange(16, dtype=f32).reshape(1, 2, 2, 4) - 5)
    add('large fixed numbers', torch.tensor([12345.678, 0.5]))
    add('big exponent', torch.tensor([1e20, 1e-20], dtype=f64))
    add('float32 rounding shows', torch.tensor([0.1, 0.2, 0.3]))
    add('float32 value near a tie', torch.tensor([1.00005, 0.00015]))
    torch.manual_seed(11)
    for i in range(8):
        shape = rng.choice([[5], [3, 4], [2, 3, 4], [1, 2, 3, 3]])
        scale = rng.choice([1.0, 1e-3, 1e3, 1e6, 1e9])
        t = torch.randn(shape) * scale
        add(f'random normal ×{scale:g} {shape} #{i}', t)
        add(f'random normal ×{scale:g} {shape} float64 #{i}', t.to(f64) * 1.0000001)
    return cases


# ---------------------------------------------------------------- main

def write(name, payload):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump({'generator': 'scripts/torch/make_fixtures.py', 'torch': torch.__version__, **payload}, f,
                  separators=(',', ':'))
    print(f'{path}: {os.path.getsize(path) // 1024} KB')


def many(make, count):
    made = []
    i = 0
    while len(made) < count:
        case = make(i)
        i += 1
        if case:
            made.append(case)
    return made


def main():
    os.makedirs(OUT, exist_ok=True)
    write('conv2d.json', {'cases': many(random_conv2d, 150)})
    write('conv_transpose2d.json', {'cases': many(random_conv_transpose2d, 50)})
    write('max_pool2d.json', {'cases': many(lambda i: random_pool('max_pool2d', i), 50)})
    write('avg_pool2d.json', {'cases': many(lambda i: random_pool('avg_pool2d', i), 50)})
    write('lp_pool2d.json', {'cases': many(lambda i: random_pool('lp_pool2d', i), 25)})
    write('global_pools.json', {'cases': many(lambda i: random_global(pick('global_max_pool2d', 'global_avg_pool2d'), i), 12)})
    write('nan_inf.json', {'cases': nan_inf_cases()})
    write('seeds.json', {'cases': seeds()})
    forced_errors()
    write('errors.json', {'cases': errors})
    write('format.json', {'cases': format_cases()})


if __name__ == '__main__':
    main()
