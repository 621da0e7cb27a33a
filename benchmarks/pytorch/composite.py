"""PyTorch's side of the GPU comparison (issue 13): the composite LSTM autoencoder written plainly with nn.LSTM and
nn.Linear, as a PyTorch user would, trained with BCE and Adam (PyTorch's default implementation for the device) on
a batch that stays on the device, so it measures the model and optimizer, not data loading. Conditional decoders
feed back sigmoid(output) one step at a time; unconditioned ones read zeros in one call.

    python3 benchmarks/pytorch/composite.py --device cuda [--preset paper|cpudefault] [--batch 128] [--steps 30]
                                            [--bf16] [--hidden H --layers L]   # sizes override the preset

Prints the device, the case and training sequences per second over the timed steps (after warm-up steps).
"""
import argparse
import time

import torch
from torch import nn

PRESETS = {  # hidden, layers, conditional, as LstmAutoEncoderModelOptions.Paper / CpuDefault
    "paper": (2048, 2, True),
    "cpudefault": (512, 1, False),
}
FRAME, INPUT_FRAMES, FUTURE_FRAMES = 64 * 64, 10, 10


class Decoder(nn.Module):
    def __init__(self, hidden, layers, conditional):
        super().__init__()
        self.lstm = nn.LSTM(FRAME, hidden, layers, batch_first=True)
        self.output = nn.Linear(hidden, FRAME)
        self.conditional = conditional

    def forward(self, state, steps, batch, device):
        if not self.conditional:
            out, _ = self.lstm(torch.zeros(batch, steps, FRAME, device=device), state)
            return self.output(out)
        frame, logits = torch.zeros(batch, 1, FRAME, device=device), []
        for _ in range(steps):
            out, state = self.lstm(frame, state)
            step = self.output(out)
            logits.append(step)
            frame = torch.sigmoid(step)
        return torch.cat(logits, 1)


class Composite(nn.Module):
    def __init__(self, hidden, layers, conditional):
        super().__init__()
        self.encoder = nn.LSTM(FRAME, hidden, layers, batch_first=True)
        self.reconstruction = Decoder(hidden, layers, conditional)
        self.prediction = Decoder(hidden, layers, conditional)

    def forward(self, frames):
        batch, device = frames.shape[0], frames.device
        _, state = self.encoder(frames)
        return (self.reconstruction(state, INPUT_FRAMES, batch, device),
                self.prediction(state, FUTURE_FRAMES, batch, device))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--preset", default="paper", choices=PRESETS)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--bf16", action="store_true", help="bfloat16 autocast around the forward pass")
    parser.add_argument("--hidden", type=int)
    parser.add_argument("--layers", type=int)
    args = parser.parse_args()
    hidden, layers, conditional = PRESETS[args.preset]
    hidden, layers = args.hidden or hidden, args.layers or layers
    device = torch.device(args.device)
    torch.manual_seed(0)
    model = Composite(hidden, layers, conditional).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-4)
    clips = torch.rand(args.batch, INPUT_FRAMES + FUTURE_FRAMES, FRAME, device=device)
    inputs, future = clips[:, :INPUT_FRAMES], clips[:, INPUT_FRAMES:]
    reversed_inputs = inputs.flip(1)
    loss_fn = nn.BCEWithLogitsLoss()

    def step():
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16):
            reconstruction, prediction = model(inputs)
        loss = loss_fn(reconstruction.float(), reversed_inputs) + loss_fn(prediction.float(), future)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    for _ in range(args.warmup):
        step()
    synchronize()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    synchronize()
    elapsed = time.perf_counter() - start
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"PyTorch {torch.__version__} on {name}: {args.preset} ({layers} x {hidden}, "
          f"{'conditional' if conditional else 'unconditioned'}), batch {args.batch}, "
          f"{'bf16 autocast' if args.bf16 else 'float32'}: {args.batch * args.steps / elapsed:.1f} sequences/s "
          f"over {args.steps} steps (loss {loss.item():.4f})")


if __name__ == "__main__":
    main()
