#!/usr/bin/env python3
"""Write a libFuzzer seed corpus for fuzz_datashape: one file per row of the shared
conformance corpus (the unescaped `input` column of datashape_vectors.tsv).

    python3 fuzz/make_seed_corpus.py OUT_DIR [--tsv PATH]

The corpus is generated, not committed. Fields in the TSV escape \\\\, \\t, \\n, \\r, \\v
(see ../shared/conformance/README.md)."""
import argparse
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TSV = os.path.join(HERE, "..", "..", "shared", "conformance", "datashape_vectors.tsv")
ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "v": "\v"}


def unescape(field: str) -> str:
    out = []
    i = 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field) and field[i + 1] in ESCAPES:
            out.append(ESCAPES[field[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--tsv", default=DEFAULT_TSV)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    written = 0
    with open(args.tsv, encoding="utf-8", newline="\n") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = header.index("input")
        for line in f:
            line = line.rstrip("\n")
            if not line and col == 0:
                fields = [""]
            else:
                fields = line.split("\t")
            data = unescape(fields[col]).encode("utf-8")
            name = hashlib.sha1(data).hexdigest()  # libFuzzer's own naming; dedups
            with open(os.path.join(args.out_dir, name), "wb") as out:
                out.write(data)
            written += 1
    print(f"{written} rows -> {len(os.listdir(args.out_dir))} files in {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
