#!/usr/bin/env bash
# Packs the benchmark program and the lstmae command line into one bundle for a GPU machine with PyTorch (CUDA),
# as ../shared/gpu/bundle.sh does for one app (see ../shared/gpu/README.md): both published self-contained for
# linux-x64 into one folder (they share the runtime), libtorch's CPU natives dropped (the GPU machine's PyTorch
# supplies libtorch with CUDA), written to .gpu/bundle.tar.xz, which git ignores through .git/info/exclude.
#
#   benchmarks/gpu/bundle.sh        # from the repository root, on a development machine; then benchmarks/gpu/run.sh there
set -euo pipefail
root=$(git rev-parse --show-toplevel)
exclude=$(cd "$root" && realpath -m "$(git rev-parse --git-path info/exclude)")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for proj in benchmarks/LstmAe.Benchmarks/LstmAe.Benchmarks.csproj samples/LstmAe.Cli/LstmAe.Cli.csproj; do
  dotnet publish "$root/$proj" -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true -o "$tmp/pub" >&2
done
cd "$tmp/pub"
rm -rf cpu libtorch_cpu.so libtorch_python.so libc10.so libtorch.so libtorch_global_deps.so libshm.so libgomp-*.so.1 \
  libjitbackend_test.so libbackend_with_compiler.so libaoti_custom_ops.so libnnapi_backend.so libtorchbind_test.so \
  ./*.dbg libmscordbi.so libmscordaccore.so
mkdir -p "$root/.gpu"
tar -cJf "$root/.gpu/bundle.tar.xz" .
mkdir -p "$(dirname "$exclude")"
grep -qx "/.gpu/" "$exclude" 2>/dev/null || echo "/.gpu/" >> "$exclude"
ls -l "$root/.gpu/bundle.tar.xz" >&2
echo "apps: LstmAe.Benchmarks, lstmae"
