"""An independent witness for practices' transparency logs (C2SP tlog-witness, tlog-cosignature).

Pure Python with no Django: it runs on a machine of its own (``confide-witness``), keeps the newest
checkpoint it verified for each log it trusts, and cosigns a new one only if it extends that one.
"""
