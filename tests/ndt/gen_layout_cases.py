# Generates layout_cases.inc for test_layout_c.cpp: seeded random datashapes with equivalent GCC structs.
#
# Run from anywhere with /usr/bin/python3 tests/ndt/gen_layout_cases.py; the output is
# deterministic (fixed seed) and checked into git, so the build never runs Python.
#
# Every case is a record or tuple datashape plus C++ declarations that spell the same
# layout with GCC semantics, and a table entry whose numbers (sizeof, alignof, offsetof,
# the field's __alignof__) are computed by the compiler that builds the test:
#   * bool/intN/uintN/float32/float64 -> the C types; float16 -> uint16_t (same size/align);
#     complex64/complex128 -> struct {float re, im;} / struct {double re, im;};
#   * string and `var * T` -> struct {void* p; int64_t n;};
#   * `N * T` -> T[N];  `?T` -> struct {T value; uint8_t valid;};
#   * field `|align=N|` -> `alignas(N) alignas(T) T f;` or `T f __attribute__((aligned(N)));`
#     (both mean: raise to N, never lower);
#   * field `|pack=N|` -> the member's type is a typedef of T with
#     `__attribute__((aligned(N < alignof(T) ? N : alignof(T))))` (GCC lets a typedef lower
#     the alignment; `packed` on a member would warn for 1-aligned types);
#   * record/tuple `pack=N` -> `#pragma pack(push, N)` ... `#pragma pack(pop)`;
#   * record/tuple `align=N` -> `struct __attribute__((aligned(N))) S {...};`.
# Nested types (records, tuples, options, fixed and var dims) get an entry each, addressed
# by a path from the top-level type: a field index, `dim` (fixed dim element), `var`
# (var dim element) or `opt` (option value), joined by '/'.
import collections
import os
import random
import sys

SEED = 0x5EED1A70
NUM_RANDOM_CASES = 300

PRIMS = [  # (datashape, C++ spelling)
    ("bool", "bool"),
    ("int8", "int8_t"),
    ("int16", "int16_t"),
    ("int32", "int32_t"),
    ("int64", "int64_t"),
    ("uint8", "uint8_t"),
    ("uint16", "uint16_t"),
    ("uint32", "uint32_t"),
    ("uint64", "uint64_t"),
    ("float16", "uint16_t"),
    ("float32", "float"),
    ("float64", "double"),
    ("complex64", "Complex64"),
    ("complex128", "Complex128"),
    ("string", "VarSized"),
]

FIELD_NAMES = ["a", "b", "c", "d", "x", "y", "z", "w", "id", "val", "cnt", "flag", "lo", "hi",
               "re", "im", "pos", "len", "tag", "data", "key", "next", "k0", "k1"]


class Prim:
    def __init__(self, ds, ct):
        self.ds, self.ct = ds, ct


class Fixed:
    def __init__(self, n, elem):
        self.n, self.elem = n, elem


class Var:
    def __init__(self, elem):
        self.elem = elem


class Opt:
    def __init__(self, child):
        self.child = child


class Field:
    def __init__(self, name, type_, attr=None, value=0, spelling=0):
        # attr: None, "align" or "pack"; spelling picks one of the C spellings of |align=N|.
        self.name, self.type, self.attr, self.value, self.spelling = name, type_, attr, value, spelling


class Rec:
    def __init__(self, fields, is_tuple=False, pack=0, align=0):
        self.fields, self.is_tuple, self.pack, self.align = fields, is_tuple, pack, align

    def cname(self, i):
        return "f%d" % i if self.is_tuple else self.fields[i].name


def prim(ds):
    return Prim(ds, dict(PRIMS)[ds])


# ----- datashape spelling ---------------------------------------------------------------

def ds(t):
    if isinstance(t, Prim):
        return t.ds
    if isinstance(t, Fixed):
        return "%d * %s" % (t.n, ds(t.elem))
    if isinstance(t, Var):
        return "var * %s" % ds(t.elem)
    if isinstance(t, Opt):
        return "?" + ds(t.child)
    items = []
    for f in t.fields:
        s = ds(f.type)
        if not t.is_tuple:
            s = "%s: %s" % (f.name, s)
        if f.attr:
            s += " |%s=%d|" % (f.attr, f.value)
        items.append(s)
    if t.pack:
        items.append("pack=%d" % t.pack)
    if t.align:
        items.append("align=%d" % t.align)
    body = ", ".join(items)
    return "(%s)" % body if t.is_tuple else "{%s}" % body


# ----- C++ declarations and table entries ----------------------------------------------

class Emitter:
    def __init__(self, index):
        self.index = index
        self.counter = 0
        self.decls = []   # C++ declarations in dependency order
        self.nodes = []   # (path, C++ type, record or None)

    def fresh(self, prefix):
        self.counter += 1
        return "%s%d_%d" % (prefix, self.index, self.counter)

    def type(self, t, path):
        """Declares t's C++ type (children first) and returns its name."""
        if isinstance(t, Prim):
            return t.ct
        if isinstance(t, Fixed):
            slot = len(self.nodes)
            self.nodes.append(None)
            elem = self.type(t.elem, path + ["dim"])
            name = self.fresh("A")
            self.decls.append("typedef %s %s[%d];" % (elem, name, t.n))
            self.nodes[slot] = (path, name, None)
            return name
        if isinstance(t, Var):
            self.nodes.append((path, "VarSized", None))
            # The element is laid out elsewhere, but its own layout is still checked.
            self.type(t.elem, path + ["var"])
            return "VarSized"
        if isinstance(t, Opt):
            slot = len(self.nodes)
            self.nodes.append(None)
            child = self.type(t.child, path + ["opt"])
            name = self.fresh("O")
            self.decls.append("struct %s {\n  %s value;\n  uint8_t valid;\n};" % (name, child))
            self.nodes[slot] = (path, name, None)
            return name
        return self.record(t, path)

    def record(self, t, path):
        slot = len(self.nodes)
        self.nodes.append(None)
        members = []
        for i, f in enumerate(t.fields):
            ct = self.type(f.type, path + [str(i)])
            n = t.cname(i)
            if f.attr == "align" and f.spelling == 0:
                members.append("alignas(%d) alignas(%s) %s %s;" % (f.value, ct, ct, n))
            elif f.attr == "align":
                members.append("%s %s __attribute__((aligned(%d)));" % (ct, n, f.value))
            elif f.attr == "pack":
                packed = self.fresh("P")
                self.decls.append("typedef %s %s __attribute__((aligned(%d < alignof(%s) ? %d : alignof(%s))));"
                                  % (ct, packed, f.value, ct, f.value, ct))
                members.append("%s %s;" % (packed, n))
            else:
                members.append("%s %s;" % (ct, n))
        name = self.fresh("S")
        head = "struct __attribute__((aligned(%d))) %s {" % (t.align, name) if t.align else "struct %s {" % name
        lines = [head] + ["  " + m for m in members] + ["};"]
        if t.pack:
            # GCC's -Wpacked-not-aligned (in -Wall) flags an over-aligned struct member that
            # the pragma caps: that capping is exactly what pack=N means, so it is silenced.
            lines = ["#pragma GCC diagnostic push",
                     '#pragma GCC diagnostic ignored "-Wpacked-not-aligned"',
                     "#pragma pack(push, %d)" % t.pack] + lines + \
                    ["#pragma pack(pop)", "#pragma GCC diagnostic pop"]
        self.decls.append("\n".join(lines))
        self.nodes[slot] = (path, name, t)
        return name


def table_entry(path, ct, rec, top):
    offsets = aligns = ""
    if rec is not None:
        offsets = ", ".join("offsetof(%s, %s)" % (ct, rec.cname(i)) for i in range(len(rec.fields)))
        aligns = ", ".join("PLB_FIELD_ALIGN(%s, %s)" % (ct, rec.cname(i)) for i in range(len(rec.fields)))
    core = "sizeof(%s), alignof(%s), {%s}, {%s}" % (ct, ct, offsets, aligns)
    return core if top else '{"%s", %s}' % ("/".join(path), core)


# ----- random generation ---------------------------------------------------------------

class Gen:
    def __init__(self, rng):
        self.rng = rng

    def scalar(self):
        return prim(self.rng.choice(PRIMS)[0])

    def type(self, depth, allow_option=True):
        r = self.rng
        choices = [("prim", 50), ("fixed", 14), ("var", 4)]
        if allow_option:
            choices.append(("option", 10))
        if depth < 2:
            choices += [("record", 10 - 3 * depth), ("tuple", 7 - 3 * depth)]
        kind = r.choices([c for c, _ in choices], [w for _, w in choices])[0]
        if kind == "prim":
            return self.scalar()
        if kind == "fixed":
            roll = r.random()
            if roll < 0.3:  # a two-dim array of scalars: `2 * 3 * float64`
                return Fixed(r.randint(1, 4), Fixed(r.randint(1, 4), self.scalar()))
            if roll < 0.55 and depth < 2:  # an array of records or tuples
                return Fixed(r.randint(1, 3), self.record(depth + 1, r.random() < 0.3))
            return Fixed(r.randint(1, 5), self.type(depth + 1))
        if kind == "var":
            return Var(self.type(depth + 1))
        if kind == "option":
            return Opt(self.type(depth + 1, allow_option=False))
        return self.record(depth + 1, kind == "tuple")

    def record(self, depth, is_tuple):
        r = self.rng
        n = r.randint(1, 6)
        names = r.sample(FIELD_NAMES, n)
        fields = []
        for i in range(n):
            f = Field(names[i], self.type(depth))
            roll = r.random()
            if roll < 0.18:
                f.attr, f.value, f.spelling = "align", r.choice([1, 2, 4, 8, 16, 32, 64]), r.randint(0, 1)
            elif roll < 0.33:
                f.attr, f.value = "pack", r.choice([1, 2, 4, 8, 16])
            fields.append(f)
        rec = Rec(fields, is_tuple)
        roll = r.random()
        if roll < 0.22:
            rec.pack = r.choice([1, 2, 4, 8, 16])
        elif roll < 0.42:
            rec.align = r.choice([1, 2, 4, 8, 16, 32, 64, 128])
        return rec


def handwritten():
    """A few fixed cases that name the features one by one."""
    P = prim
    return [
        Rec([Field("a", P("int8")), Field("b", Fixed(3, P("int16"))), Field("c", P("int64"))]),
        Rec([Field("m", Fixed(2, Fixed(3, P("float64")))), Field("t", P("bool"))]),
        Rec([Field("a", P("int8")), Field("r", Fixed(3, Rec([Field("x", P("int32")), Field("y", P("int8"))])))]),
        Rec([Field("a", P("int8")), Field("b", Opt(P("int32"))), Field("c", Opt(P("complex128")))]),
        Rec([Field("s", P("string")), Field("v", Var(P("int16"))), Field("c", P("int8"))]),
        Rec([Field("a", P("int8")), Field("b", P("int64"), "align", 16)]),
        Rec([Field("a", P("int8")), Field("b", P("int64"), "align", 2, 1)]),
        Rec([Field("a", P("int8")), Field("b", P("int64"), "pack", 2), Field("c", P("int16"), "pack", 8)]),
        Rec([Field("a", P("int8")), Field("b", P("float64"))], pack=1),
        Rec([Field("a", P("int8")), Field("b", P("int64"), "align", 16)], pack=2),
        Rec([Field("a", P("int8")), Field("b", P("int32"))], align=16),
        Rec([Field("a", P("int8")), Field("b", P("int32"))], align=2),
        Rec([Field("h", P("float16")), Field("c", P("complex64")), Field("d", P("complex128"))], True),
        Rec([Field("a", P("int8")),
             Field("in", Rec([Field("x", P("int8")), Field("y", P("int32"))], align=16))], pack=4),
        Rec([Field("a", P("uint8")), Field("b", Opt(Fixed(3, P("int16")))),
             Field("c", Fixed(2, Opt(P("float32"))))], True),
    ]


def coverage(t, counts):
    if isinstance(t, Prim):
        counts[t.ds] += 1
    elif isinstance(t, Fixed):
        counts["fixed dim"] += 1
        if isinstance(t.elem, Fixed):
            counts["multi-dim array"] += 1
        if isinstance(t.elem, Rec):
            counts["array of records/tuples"] += 1
        coverage(t.elem, counts)
    elif isinstance(t, Var):
        counts["var dim"] += 1
        coverage(t.elem, counts)
    elif isinstance(t, Opt):
        counts["option"] += 1
        coverage(t.child, counts)
    else:
        counts["tuple" if t.is_tuple else "record"] += 1
        if t.pack:
            counts["record pack=N"] += 1
        if t.align:
            counts["record align=N"] += 1
        for f in t.fields:
            if f.attr:
                counts["field |%s=N|" % f.attr] += 1
            if isinstance(f.type, Rec):
                counts["nested record/tuple field"] += 1
            coverage(f.type, counts)


HEADER = """\
// Generated by gen_layout_cases.py (seed {seed:#x}, {n} cases): datashapes with GCC structs of the same layout.
// Do not edit: change the generator and run /usr/bin/python3 tests/ndt/gen_layout_cases.py.
// Included by test_layout_c.cpp inside an anonymous namespace; it expects <cstddef>,
// <cstdint> and the LayoutCase/LayoutNode aggregates to be declared there.
//
// Coverage (type nodes over all cases):
{coverage}

struct Complex64 {{
  float re;
  float im;
}};
struct Complex128 {{
  double re;
  double im;
}};
struct VarSized {{  // string and var * T
  void* p;
  int64_t n;
}};

// The declared alignment of a member (after alignas/aligned/typedef alignment and #pragma pack).
#define PLB_FIELD_ALIGN(S, f) __alignof__(static_cast<S*>(nullptr)->f)
"""


def main():
    rng = random.Random(SEED)
    gen = Gen(rng)
    cases = handwritten()
    seen = {ds(c) for c in cases}
    while len(cases) < len(handwritten()) + NUM_RANDOM_CASES:
        c = gen.record(0, rng.random() < 0.35)
        if ds(c) not in seen:
            seen.add(ds(c))
            cases.append(c)

    counts = collections.Counter()
    for c in cases:
        coverage(c, counts)
    cov = "\n".join("//   %-28s %d" % (k, counts[k]) for k in sorted(counts))

    out = [HEADER.format(seed=SEED, n=len(cases), coverage=cov)]
    entries = []
    for i, c in enumerate(cases):
        e = Emitter(i)
        e.type(c, [])
        out.append("// case %d: %s" % (i, ds(c)))
        out.extend(e.decls)
        out.append("")
        (top_path, top_ct, top_rec), nested = e.nodes[0], e.nodes[1:]
        lines = ['    {"%s",' % ds(c), "     " + table_entry(top_path, top_ct, top_rec, True) + ","]
        lines.append("     {" + "".join("\n      " + table_entry(p, ct, rec, False) + "," for p, ct, rec in nested)
                     + ("\n     }}," if nested else "}},"))
        entries.append("\n".join(lines))
    out.append("const LayoutCase kLayoutCases[] = {")
    out.extend(entries)
    out.append("};")
    out.append("")
    out.append("#undef PLB_FIELD_ALIGN")

    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "layout_cases.inc")
    with open(path, "w") as fh:
        fh.write("\n".join(out) + "\n")
    sys.stderr.write("wrote %s: %d cases\n%s\n" % (path, len(cases), cov))


if __name__ == "__main__":
    main()
