"""Writes the tiny tutorial-layout model of make_storage_fixtures.py saved in ways users save models besides
torch.save(model.state_dict()): LstmAe reads the first and names what to do about the others.

Usage: python3 make_user_save_fixtures.py [OUT_DIR]   (default: the folder of this script; PyTorch 1.13 made them)

  parameters.pt        torch.save(model.state_dict(keep_vars=True)): nn.Parameter objects, not tensors
  legacy.pt            torch.save(..., _use_new_zipfile_serialization=False): a bare pickle, not a zip
  checkpoint.pt        {'epoch': 5, 'model_state_dict': ..., 'optimizer_state_dict': ..., 'loss': 0.25}, the
                       PyTorch tutorial's checkpoint layout
  whole_model.pt       torch.save(model): the module object itself
  args_checkpoint.pt   {'args': argparse.Namespace(...), 'epoch': 5, 'state_dict': ...}: a Python object first
  extra_entry.pt       the state_dict with an 'epoch' entry added
  data_parallel.pt     nn.DataParallel(model).state_dict(): every name prefixed 'module.'
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_storage_fixtures import fresh_model  # noqa: E402


def main(out_dir):
    model = fresh_model()
    state = model.state_dict()
    torch.save(model.state_dict(keep_vars=True), os.path.join(out_dir, "parameters.pt"))
    torch.save(state, os.path.join(out_dir, "legacy.pt"), _use_new_zipfile_serialization=False)
    optimizer = torch.optim.Adam(model.parameters())
    torch.save({"epoch": 5, "model_state_dict": state, "optimizer_state_dict": optimizer.state_dict(), "loss": 0.25},
               os.path.join(out_dir, "checkpoint.pt"))
    torch.save(model, os.path.join(out_dir, "whole_model.pt"))
    torch.save({"args": argparse.Namespace(lr=5e-4, hidden=8), "epoch": 5, "state_dict": state},
               os.path.join(out_dir, "args_checkpoint.pt"))
    extra = dict(state)
    extra["epoch"] = 5
    torch.save(extra, os.path.join(out_dir, "extra_entry.pt"))
    torch.save(torch.nn.DataParallel(model).state_dict(), os.path.join(out_dir, "data_parallel.pt"))

    loaded = torch.load(os.path.join(out_dir, "parameters.pt"))
    assert all(isinstance(v, torch.nn.Parameter) for v in loaded.values())
    assert all(torch.equal(loaded[k], v) for k, v in state.items())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
