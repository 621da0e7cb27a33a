"""Writes the storage-layout fixtures: one tiny tutorial-layout model saved three ways by torch.save.

Usage: python3 make_storage_fixtures.py [OUT_DIR]   (default: the folder of this script)
Needs torch and numpy (Debian: apt-get install python3-torch python3-numpy); the files were made with PyTorch 1.13.

  contiguous.pt      every tensor in its own contiguous storage (what torch.save writes for a CPU model)
  shared_storage.pt  each nn.LSTM's weights and biases are views of one flat storage, as after cuDNN's
                     flatten_parameters() on a GPU (offsets into one buffer, several tensors per storage)
  non_contiguous.pt  some weights stored transposed (stride (1, rows)) or as a narrowed slice of a wider, padded buffer
                     (row stride larger than the row, non-zero offset)
  weights.npy        every tensor's values, float32, flattened in state_dict order and concatenated
  storage_expected.json  shapes, names, the layout of each file, and the model's outputs on `past` computed by
                     PyTorch (raw feedback, decoders conditioned on their previous output)

The three .pt files hold the same values; LstmAe must import each of them bit for bit as weights.npy.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_tutorial_model import Composite  # noqa: E402

FRAME_SIDE, HIDDEN, LAYERS, INPUT_FRAMES, FUTURE_FRAMES, BATCH = 4, 8, 2, 3, 2, 2
FRAME_SIZE = FRAME_SIDE * FRAME_SIDE


def fresh_model():
    torch.manual_seed(15)
    return Composite(FRAME_SIZE, HIDDEN, LAYERS)


def flatten_lstm_weights(model):
    """Mimics cuDNN's flatten: all of an LSTM's parameters become views of one flat buffer, at increasing offsets."""
    for lstm in (model.encoder.lstm, model.reconstruct_decoder.lstm, model.predict_decoder.lstm):
        params = list(lstm.parameters())
        flat = torch.cat([p.detach().reshape(-1) for p in params])
        offset = 0
        for p in params:
            p.data = flat.as_strided(p.shape, p.stride(), offset)
            offset += p.numel()
        assert all(p.storage().data_ptr() == flat.storage().data_ptr() for p in params)


def make_non_contiguous(model):
    """Transposes some weights in storage (same values) and puts one in a padded, offset buffer."""
    for p in (model.reconstruct_decoder.fc.weight, model.encoder.lstm.weight_hh_l0, model.predict_decoder.lstm.weight_ih_l1):
        p.data = p.detach().t().contiguous().t()
        assert not p.is_contiguous() and p.stride() == (1, p.shape[0])
    weight = model.predict_decoder.fc.weight
    rows, columns = weight.shape
    padded = torch.full((rows + 1, columns + 3), 7.0)
    padded[1:, 2:columns + 2] = weight.detach()
    weight.data = padded[1:, 2:columns + 2]
    assert not weight.is_contiguous() and weight.storage_offset() == columns + 3 + 2


def layout(path):
    """How the saved file stores its tensors: storages, and the names of non-contiguous tensors."""
    loaded = torch.load(path)
    storages = {t.storage().data_ptr() for t in loaded.values()}
    return {
        "tensors": len(loaded),
        "storages": len(storages),
        "non_contiguous": sorted(name for name, t in loaded.items() if not t.is_contiguous()),
    }


def main(out_dir):
    reference = fresh_model()
    reference_state = {k: v.clone() for k, v in reference.state_dict().items()}

    torch.save(reference.state_dict(), os.path.join(out_dir, "contiguous.pt"))

    shared = fresh_model()
    flatten_lstm_weights(shared)
    torch.save(shared.state_dict(), os.path.join(out_dir, "shared_storage.pt"))

    strided = fresh_model()
    make_non_contiguous(strided)
    torch.save(strided.state_dict(), os.path.join(out_dir, "non_contiguous.pt"))

    for name in ("contiguous.pt", "shared_storage.pt", "non_contiguous.pt"):
        loaded = torch.load(os.path.join(out_dir, name))
        assert list(loaded) == list(reference_state)
        for key, value in reference_state.items():
            assert torch.equal(loaded[key], value), (name, key)

    values = torch.cat([v.reshape(-1) for v in reference_state.values()]).numpy().astype(np.float32)
    np.save(os.path.join(out_dir, "weights.npy"), values)

    generator = torch.Generator().manual_seed(16)
    past = torch.rand(BATCH, INPUT_FRAMES, FRAME_SIZE, generator=generator)
    with torch.no_grad():
        _, state = reference.encoder.lstm(past)
        reconstruction = reference.reconstruct_decoder.run(state, INPUT_FRAMES, "raw")
        prediction = reference.predict_decoder.run(state, FUTURE_FRAMES, "raw")

    expected = {
        "torch_version": torch.__version__,
        "shapes": {"batch": BATCH, "input_frames": INPUT_FRAMES, "future_frames": FUTURE_FRAMES,
                   "frame_side": FRAME_SIDE, "hidden": HIDDEN, "layers": LAYERS},
        "parameter_names": list(reference_state),
        "parameter_shapes": [list(v.shape) for v in reference_state.values()],
        "layouts": {name: layout(os.path.join(out_dir, name))
                    for name in ("contiguous.pt", "shared_storage.pt", "non_contiguous.pt")},
        "past": past.reshape(-1).tolist(),
        # Raw decoder outputs; the reconstruction is in decoder (reversed) order.
        "reconstruction": reconstruction.reshape(-1).tolist(),
        "prediction": prediction.reshape(-1).tolist(),
    }
    with open(os.path.join(out_dir, "storage_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
