#!/bin/sh
# Regenerates the pictures in docs/pictures/ from real training runs on Fashion-MNIST (Debian's
# dataset-fashion-mnist): learning curves of one run and of three learning rates, the
# class templates of softmax regression (its weights), the confusion matrix, wrong predictions.
# Usage: make && scripts/docs-pictures.sh    (about 20 s on 2 cores; runs go to runs/docs-*)
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
ls -l "$OUT"
