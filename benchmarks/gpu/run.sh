#!/usr/bin/env bash
# Issue 13's GPU measurements in one run, on a machine with an NVIDIA GPU and PyTorch with CUDA (how:
# ../shared/gpu/README.md). Prepare on a development machine with benchmarks/gpu/bundle.sh (writes .gpu/bundle.tar.xz),
# then from the repository root there:
#
#   benchmarks/gpu/run.sh [PAPER_MINUTES]      # default 5; fits a 15-minute lease with the machine's start
#
# Prints (and writes to $OUT, or to a temporary folder, when set): the GPU, the model benchmark on CUDA (Paper at
# batch 128 and CpuDefault at 16 and 128, float32 and bf16, with GEMM references at the model's shapes), PyTorch's
# plain composite model at the same cases (benchmarks/pytorch/composite.py; SKIP_PYTORCH=1 leaves it out), feature
# extraction (the encode suite and benchmarks/pytorch/encode.py), then
# 'lstmae paper': the Paper preset trained on fresh clips for PAPER_MINUTES, and the held-out nats per frame.
# A dry run on a development machine (the bundle holds no CPU libtorch; TORCH_LIB names one):
#   DEVICE=cpu TORCH_LIB=~/.nuget/packages/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native QUICK=1 \
#     PYTORCH_ARGS="--hidden 16 --steps 1 --warmup 1" PAPER_ARGS="--max-steps 2 --hidden 8 --layers 1 --input-frames 2 --future-frames 2 --batch-size 2" TEST_SEQUENCES=4 benchmarks/gpu/run.sh 0.2
set -uo pipefail
minutes=${1:-5}
device=${DEVICE:-cuda}
root=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
bundle=$(mktemp -d)
tar -xJf "$root/.gpu/bundle.tar.xz" -C "$bundle"
out=${OUT:-$(mktemp -d)}
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 OMP_WAIT_POLICY=PASSIVE
if [ -n "${TORCH_LIB:-}" ]; then
  export LD_LIBRARY_PATH=$TORCH_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
elif [ "$device" != cpu ]; then
  torch_lib=$(python3 -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))") || { echo "PyTorch not found: it supplies libtorch with CUDA" >&2; exit 1; }
  export LD_LIBRARY_PATH=$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
if [ "$device" != cpu ]; then
  python3 -c "import torch;print('PyTorch', torch.__version__, 'CUDA', torch.version.cuda, torch.cuda.get_device_name(0))" | tee "$out/gpu.txt"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee -a "$out/gpu.txt"
fi
date -u +"%Y-%m-%d %H:%M UTC" | tee -a "$out/gpu.txt"
status=0
# TORCH_CPP_LOG_LEVEL=ERROR: the bf16 cuDNN rows make libtorch warn about the weights' layout at every call.
TORCH_CPP_LOG_LEVEL=ERROR "$bundle/LstmAe.Benchmarks" model --device "$device" ${QUICK:+--quick} 2>&1 | tee "$out/model.txt" || status=1
# PyTorch's own composite model on the same device, same hour: the speeds the model table is compared with.
if [ -z "${SKIP_PYTORCH:-}" ]; then
  steps=${PYTORCH_STEPS:-30}
  for case in "--preset paper --batch 128" "--preset paper --batch 128 --bf16" "--preset cpudefault --batch 16" \
              "--preset cpudefault --batch 128" "--preset cpudefault --batch 128 --bf16"; do
    # shellcheck disable=SC2086 # case and PYTORCH_ARGS are lists of options.
    python3 "$root/benchmarks/pytorch/composite.py" --device "$device" --steps "$steps" $case ${PYTORCH_ARGS:-} 2>&1 \
      | tee -a "$out/pytorch.txt" || status=1
  done
fi
# Feature extraction where the model runs: LstmAe's encode suite, then PyTorch's nn.LSTM at the same batches.
"$bundle/LstmAe.Benchmarks" encode --device "$device" ${QUICK:+--quick} 2>&1 | tee "$out/encode.txt" || status=1
if [ -z "${SKIP_PYTORCH:-}" ]; then
  python3 "$root/benchmarks/pytorch/encode.py" --device "$device" ${QUICK:+--quick} 2>&1 | tee -a "$out/encode.txt" || status=1
fi
# The timed run takes the faster way to run the conditional decoders on this GPU: cuDNN per step where the model
# table's float32 "Paper cudnn-fb" row trained faster than the float32 "Paper" row (train seq/s: column 6, and
# column 5 of the one-word name).
feedback=$(awk '$1 == "Paper" && $2 == "Float32" {runner = $5} $1 == "Paper" && $2 == "cudnn-fb" && $3 == "Float32" {cudnn = $6}
  END {if (cudnn + 0 > runner + 0) print "--cudnn-feedback"}' "$out/model.txt")
if [ -n "$feedback" ]; then echo "Paper run: conditional decoders on cuDNN"; else echo "Paper run: conditional decoders on the runner"; fi
# shellcheck disable=SC2086 # PAPER_ARGS and feedback are lists of options.
"$bundle/lstmae" paper $feedback --device "$device" --minutes "$minutes" --test-sequences "${TEST_SEQUENCES:-2000}" \
  --progress-every "${PROGRESS_EVERY:-200}" ${PAPER_ARGS:-} 2>&1 | tee "$out/paper.txt" || status=1
echo "Results in $out"
exit $status
