"""A real PyTorch training loop that overfits on purpose, reporting through memeops the way a
training script does: the module-level functions, the bot from $MEMEOPS_BOT_URL, the run name
from $MEMEOPS_RUN, and nothing flushed by hand but the end of the run.

A wide network learns 10 noisy points of a sine by heart; the validation points, drawn from
the same sine with fresh noise, get worse as it does. Prints the epoch of the best val_loss.
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import memeops  # noqa: E402  (the package from this source tree)


def noisy_sine(generator, count):
    x = torch.rand(count, 1, generator=generator) * 4 - 2
    return x, torch.sin(2 * x) + 0.5 * torch.randn(count, 1, generator=generator)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(0)
    x, y = noisy_sine(generator, 10)
    x_val, y_val = noisy_sine(generator, 200)
    model = torch.nn.Sequential(torch.nn.Linear(1, 256), torch.nn.Tanh(), torch.nn.Linear(256, 256),
                                torch.nn.Tanh(), torch.nn.Linear(256, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    run = memeops.default_run_name()
    best = (float("inf"), -1)
    for epoch in range(30):
        for _ in range(10):
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            val_loss = torch.nn.functional.mse_loss(model(x_val), y_val)
        best = min(best, (val_loss.item(), epoch))
        memeops.log_epoch(run, epoch, loss=loss.detach(), val_loss=val_loss, lr=optimizer.param_groups[0]["lr"])
    memeops.end_run(run)
    print(best[1])


if __name__ == "__main__":
    main()
