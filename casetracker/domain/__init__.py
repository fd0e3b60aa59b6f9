"""Pure domain rules: no Flask, no SQL, no cryptography. Frozen dataclasses and enums in and out."""
