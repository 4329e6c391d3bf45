#!/bin/sh
# Regenerates the pictures in docs/pictures/ from real training runs on Fashion-MNIST (Debian's
# dataset-fashion-mnist): learning curves of one run and of three learning rates, the
# class templates of softmax regression (its weights), the confusion matrix, wrong predictions,
# and a tune's trials.
# Usage: make && scripts/docs-pictures.sh    (about 40 s on 2 cores; runs go to runs/docs-*)
set -eu
MLP=${MLP:-build/mlp}
FM=/usr/share/datasets/fashion-mnist
TEST=$FM/t10k-images-idx3-ubyte.gz,$FM/t10k-labels-idx1-ubyte.gz
OUT=docs/pictures
mkdir -p "$OUT" runs
train() { "$MLP" train examples/fashion-mnist.ini --quiet "$@"; }

# The default model, 3 epochs, a metrics row every 100 steps.
train --set training.epochs=3 --set logging.every_steps=100 --out runs/docs-default
"$MLP" plot runs/docs-default --out "$OUT/curves.png"
"$MLP" show confusion runs/docs-default "$TEST" --out "$OUT/confusion.png"
"$MLP" show samples runs/docs-default "$TEST" --wrong --count 24 --out "$OUT/wrong.png"

# Three learning rates on one chart.
mkdir -p runs/docs-lr
for lr in 0.0003 0.003 0.03; do
    train --set training.epochs=3 --set schedule.kind=constant --set schedule.lr=$lr \
        --set logging.every_steps=100 \
        --out runs/docs-lr/lr=$lr
done
"$MLP" plot runs/docs-lr/lr=0.0003 runs/docs-lr/lr=0.003 runs/docs-lr/lr=0.03 \
    --title "Adam, three learning rates" --out "$OUT/learning-rates.png"

# Softmax regression (no hidden layer): the 10 class templates.
train --set network.hidden= --set data.transform=scale --set training.epochs=3 \
    --set schedule.kind=constant --set schedule.lr=0.001 --out runs/docs-softmax
"$MLP" show weights runs/docs-softmax --shared-scale --size 1200x560 \
    --title "Softmax regression on Fashion-MNIST: the 10 class templates" --out "$OUT/templates.png"
# A tune: 12 trials (Halton draws of the learning rate and the hidden layers) on 6,000 images,
# ASHA's rungs at 1, 3 and 9 epochs.
printf '%s\n' 'schedule.lr = log_uniform(1e-4, 3e-2)' 'network.hidden = choice(32, 128, 256:128)' \
    > runs/docs-tune-space.ini
rm -rf runs/docs-tune
"$MLP" tune examples/fashion-mnist.ini --space runs/docs-tune-space.ini --budget 12 \
    --sampler halton --set "data.train=$FM/train-images-idx3-ubyte.gz,$FM/train-labels-idx1-ubyte.gz,limit=6000" \
    --set data.validation=0.2 --set training.epochs=9 --set schedule.kind=constant \
    --out runs/docs-tune --quiet
"$MLP" plot runs/docs-tune --out "$OUT/tune.png"

ls -l "$OUT"
