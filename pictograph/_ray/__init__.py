"""The machinery behind :mod:`pictograph.ray`: what runs inside Ray's read and write tasks.

``_common`` holds what both sides share and imports no Ray; ``_read`` (the datasource) and ``_write`` (the
datasink) import Ray at their top and are imported only once a caller of :mod:`pictograph.ray` asked for Ray.
"""
