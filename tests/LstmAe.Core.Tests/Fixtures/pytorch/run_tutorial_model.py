"""Loads a state_dict written by LstmAe into the PyTorch tutorial's composite layout and runs it.

Usage: python3 run_tutorial_model.py STATE_DICT INPUT_JSON
INPUT_JSON holds {"frame_size", "hidden", "layers", "future_frames", "feedback": "raw"|"sigmoid", "past": [[[...]]]}.
Prints {"reconstruction": ..., "prediction": ...}: raw decoder outputs, reconstruction in decoder (reversed) order.
"""
import json
import sys

import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, frame_size, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(frame_size, hidden, layers, batch_first=True)


class Decoder(nn.Module):
    def __init__(self, frame_size, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(frame_size, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, frame_size)

    def run(self, state, steps, feedback):
        frame = torch.zeros(state[0].shape[1], 1, self.fc.out_features)
        outputs = []
        for _ in range(steps):
            output, state = self.lstm(frame, state)
            decoded = self.fc(output)
            outputs.append(decoded)
            frame = torch.sigmoid(decoded) if feedback == "sigmoid" else decoded
        return torch.cat(outputs, 1)


class Composite(nn.Module):
    def __init__(self, frame_size, hidden, layers):
        super().__init__()
        self.encoder = Encoder(frame_size, hidden, layers)
        self.reconstruct_decoder = Decoder(frame_size, hidden, layers)
        self.predict_decoder = Decoder(frame_size, hidden, layers)


def main(state_dict_path, input_path):
    with open(input_path) as f:
        spec = json.load(f)
    model = Composite(spec["frame_size"], spec["hidden"], spec["layers"])
    model.load_state_dict(torch.load(state_dict_path), strict=True)
    past = torch.tensor(spec["past"], dtype=torch.float32)
    with torch.no_grad():
        _, state = model.encoder.lstm(past)
        reconstruction = model.reconstruct_decoder.run(state, past.shape[1], spec["feedback"])
        prediction = model.predict_decoder.run(state, spec["future_frames"], spec["feedback"])
    json.dump({"reconstruction": reconstruction.tolist(), "prediction": prediction.tolist()}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
