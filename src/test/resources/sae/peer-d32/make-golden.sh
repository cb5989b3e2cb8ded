#!/bin/sh
# Regenerates this folder's data and the peer's golden figures (python3 + numpy; not run by the
# tests). PEER is the folder holding synth.py and topk_sae.py (/work/shared/peer in the project).
# Run from this folder: sh make-golden.sh
set -e
PEER=${PEER:-/work/shared/peer}
TMP=$(mktemp -d)
python3 "$PEER/synth.py" --d 32 --tokens 16384 --name synth_d32_train --out-dir "$TMP"
python3 "$PEER/synth.py" --d 32 --tokens 4096 --start 1073741824 --name synth_d32_eval --out-dir "$TMP"
cp "$TMP/synth_d32_train.npy" "$TMP/synth_d32_eval.npy" .
cp "$TMP/synth_d32_train_features.npy" synth_d32_features.npy
for seed in 0 1 2 3 4; do
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$PEER/topk_sae.py" train \
    --data synth_d32_train.npy --eval synth_d32_eval.npy --features synth_d32_features.npy \
    --n 256 --k 8 --batch 512 --lr 3e-3 --dead-tokens 20000 --tokens 524288 --threads 1 \
    --log-every 100000 --seed $seed --out "$TMP/peer_seed$seed.json" > /dev/null
done
python3 - "$TMP" <<'PY' > peer_topk.json
import json, sys
tmp = sys.argv[1]
runs = [json.load(open(f"{tmp}/peer_seed{s}.json")) for s in range(5)]
r = runs[0]
c = r["config"]
out = {
  "what": "numpy peer topk_sae.py train on synth_d32_train.npy, evaluated on synth_d32_eval.npy (see make-golden.sh)",
  "command": "python3 topk_sae.py train --data synth_d32_train.npy --eval synth_d32_eval.npy "
             "--features synth_d32_features.npy --n 256 --k 8 --batch 512 --lr 3e-3 --dead-tokens 20000 "
             "--tokens 524288 --threads 1 --log-every 100000 --seed 0",
  "settings": {"d": c["d"], "n": c["n"], "k": c["k"], "k_aux": c["d"] // 2, "auxk_coef": c["auxk_coef"],
               "dead_tokens": c["dead_tokens"], "batch": c["batch"], "lr": c["lr"], "tokens": r["tokens"],
               "adam_eps": 6.25e-10, "bpre_init": c["bpre_init"], "seed": c["seed"]},
  "numpy": r["runtime"]["numpy"],
  "fvu": r["eval"]["fvu"],
  "l0": r["eval"]["l0"],
  "mean_max_cos": r["recovery"]["mean_max_cos"],
  "frac_never_fired_eval": r["eval"]["frac_never_fired_eval"],
  "other_seeds": [{"seed": s, "fvu": runs[s]["eval"]["fvu"], "mean_max_cos": runs[s]["recovery"]["mean_max_cos"]}
                  for s in range(1, 5)],
}
print(json.dumps(out, indent=1))
PY
rm -r "$TMP"
