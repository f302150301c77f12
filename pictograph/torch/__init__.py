"""PyTorch datasets of Pictograph data (``pip install 'pictograph[torch]'``), built on the mirror of
``client.datasets.sync``: any size, fetched in bulk, and offline once synced.

* ``client.datasets.as_pytorch(name, ...)`` syncs a cache folder and returns a :class:`MirrorDataset`;
  ``as_pytorch(name, stream=True)`` returns a :class:`StreamDataset` for datasets larger than the disk.
* :func:`load` opens a synced folder with neither a client nor a key.
* :func:`collate` batches detection items for ``DataLoader(collate_fn=...)``.

Items are ``(image, target)``: a PIL image (EXIF orientation applied) or ``transform(image)``, and a target in
torchvision's detection convention (see docs/train-a-detector.md).

Example::

    from torch.utils.data import DataLoader
    import pictograph.torch

    ds = client.datasets.as_pytorch("road-scenes", split="train")
    for images, targets in DataLoader(ds, batch_size=8, num_workers=2, collate_fn=pictograph.torch.collate):
        ...
"""

from __future__ import annotations

from pictograph.torch._common import collate  # first: it turns a missing extra into the install hint
from pictograph.torch._map import MirrorDataset, load
from pictograph.torch._stream import StreamDataset

__all__ = ["MirrorDataset", "StreamDataset", "collate", "load"]


def __dir__() -> list[str]:
    return __all__
