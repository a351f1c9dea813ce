"""Hooks that let apps above core react to core's maintenance, without core importing them."""

from django.dispatch import Signal

# Sent inside the transaction of `rotate_encryption_keys`, after every encrypted column was
# re-encrypted with the new first key: whoever keeps keyed hashes of encrypted values rebuilds
# them (keyword argument: batch_size).
keys_rotated = Signal()
