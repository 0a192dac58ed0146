#!/usr/bin/env python3
"""Derive the FreeBSD target's glue from the tree it is given.

FreeBSD's vlapic.c, vmm_lapic.c and svm.c call into the rest of bhyve (vmm.c,
vatpic.c, svm_msr.c, ...), which this project replaces; the adapter calls
back into them.  The prototypes on both sides move between releases.  Rather
than guess them per release, this program:

  1. compiles the tree's three files with the shim (a kernel header the shim
     lacks, or any other error, is reported in one line);
  2. takes the functions and variables they need but do not define from their
     undefined symbols, and the declarations of those from clang's AST of the
     tree's headers;
  3. writes into the build directory:
     - glue_api.c: a definition with the tree's own prototype for each of
       them, forwarding to the behaviour written once in glue.c (a function
       vlf_glue_<name>[__<variant>] taking a struct vlf_fb_ref for the vCPU or
       VM), or an inert body listed in glue_inert.tsv, or a panic for what the
       harness never reaches;
     - glue_calls.h: the adapter's calls into the tree (glue_calls.tsv), each
       an inline function of (target, vCPU index, arguments) that fills the
       tree's vCPU/VM/softc parameters, whatever their shape;
     - fb_derived.h: facts about the tree (which functions it declares, and
       whether it defines struct vm itself).

Exit status 0, or 1 with one line on standard output saying what the tree
lacks or what does not fit.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


class Unfit(Exception):
    """The tree cannot be built; the message is the one line shown."""


# --- reading clang's JSON AST -------------------------------------------------


def ast_decls(ast_path):
    """Top-level declarations: name -> list of (node, file it was read from)."""
    with open(ast_path) as f:
        root = json.load(f)
    decls = {}
    state = {"file": None}

    def note_files(node):
        # clang prints "file" only where it changes: follow it in dump order.
        for key in ("loc", "range"):
            v = node.get(key)
            if not v:
                continue
            for loc in ([v] if key == "loc" else [v.get("begin", {}), v.get("end", {})]):
                for sub in (loc.get("spellingLoc"), loc.get("expansionLoc"), loc):
                    if sub and "file" in sub:
                        state["file"] = sub["file"]
        for child in node.get("inner", ()):
            note_files(child)

    for node in root.get("inner", ()):
        before = state["file"]
        # The declaration's own location comes first in the dump.
        loc = node.get("loc", {})
        for sub in (loc.get("spellingLoc"), loc.get("expansionLoc"), loc):
            if sub and "file" in sub:
                before = sub["file"]
                break
        here = before
        note_files(node)
        name = node.get("name")
        if name and node.get("kind") in ("FunctionDecl", "VarDecl", "RecordDecl"):
            decls.setdefault(name, []).append((node, here))
    return decls


class Param:
    def __init__(self, name, qual, desugared):
        self.name = name or ""
        self.qual = qual
        self.desugared = desugared or qual

    def is_pointer(self):
        return self.desugared.rstrip().endswith("*") or "(*)" in self.desugared

    def pointee(self):
        t = self.desugared.strip()
        return t[:-1].strip() if t.endswith("*") else t


class Func:
    def __init__(self, name, node):
        self.name = name
        qual = node["type"]["qualType"]
        self.type = qual
        self.ret = return_type(qual)
        self.params = []
        self.variadic = node.get("variadic", False)
        for child in node.get("inner", ()):
            if child.get("kind") == "ParmVarDecl":
                t = child["type"]
                self.params.append(Param(child.get("name"), t["qualType"], t.get("desugaredQualType")))
        self.storage = node.get("storageClass", "")
        self.inline = node.get("inline", False)

    def proto(self):
        return "%s %s(%s)" % (self.ret, self.name, ", ".join(p.qual for p in self.params) or "void")


def return_type(fn_type):
    """'struct vlapic *(struct vm *, int)' -> 'struct vlapic *'."""
    depth = 0
    for i in range(len(fn_type) - 1, -1, -1):
        c = fn_type[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                return fn_type[:i].strip()
    raise Unfit("cannot read the function type '%s'" % fn_type)


def declarator(qual, name):
    """A parameter declaration of type qual named name."""
    if "(*)" in qual:
        return qual.replace("(*)", "(*%s)" % name, 1)
    if qual.endswith("]"):
        i = qual.index("[")
        return "%s %s%s" % (qual[:i].rstrip(), name, qual[i:])
    sep = "" if qual.endswith("*") else " "
    return "%s%s%s" % (qual, sep, name)


# --- roles: the parameters that name a VM, a vCPU, a softc ---------------------

ROLE_BY_TYPE = {
    "struct vm *": "vm",
    "struct vcpu *": "vcpu",
    "struct svm_softc *": "sc",
    "struct svm_vcpu *": "svcpu",
    "struct vlapic *": "vlapic",
}
# Untyped handles of the vmm interface ("void *vmi", "void *vcpui", ...).
ROLE_BY_VOID_NAME = {"vm": "vm", "vmarg": "vm", "arg": "sc", "vmi": "sc", "vcpui": "svcpu"}
VCPUID_NAMES = {"vcpu", "vcpuid", "vcpu_id", "cpu", "vcpunum"}


def leading_roles(params):
    """Roles of the leading parameters, in order, and the index of the first other."""
    roles = []
    for i, p in enumerate(params):
        t = p.qual.replace("const ", "").strip()
        if t in ROLE_BY_TYPE and ROLE_BY_TYPE[t] not in roles:
            roles.append(ROLE_BY_TYPE[t])
            continue
        if t == "void *" and p.name in ROLE_BY_VOID_NAME and not roles:
            roles.append(ROLE_BY_VOID_NAME[p.name])
            continue
        if (
            p.desugared == "int"
            and p.name in VCPUID_NAMES
            and roles
            and roles[-1] in ("vm", "sc", "vcpu")
            and "vcpuid" not in roles
        ):
            roles.append("vcpuid")
            continue
        return roles, i
    return roles, len(params)


def scalar(t):
    t = t.strip()
    return not t.endswith("*") and not t.startswith("struct ") and not t.startswith("union ") and "[" not in t


def compatible(tree_t, glue_t):
    """Can a value of the tree's type be passed where the glue's is expected
    (and back, for returns) without a cast that hides a mismatch?"""
    a, b = tree_t.replace("const ", "").strip(), glue_t.replace("const ", "").strip()
    if a == b:
        return True
    a_ptr, b_ptr = a.endswith("*"), b.endswith("*")
    if a_ptr and b_ptr:
        return a == "void *" or b == "void *"
    if a_ptr or b_ptr:
        return False
    return scalar(a) and scalar(b)


# --- definitions the tree needs -----------------------------------------------


def ref_expr(roles, params):
    """The struct vlf_fb_ref for a tree function's leading parameters."""
    names = dict(zip(roles, ("p%d" % i for i in range(len(roles)))))
    if "vcpu" in names:
        return "vlf_fb_ref_vcpu(%s)" % names["vcpu"]
    if "vm" in names and "vcpuid" in names:
        return "vlf_fb_ref_id(%s, %s)" % (names["vm"], names["vcpuid"])
    if "vm" in names:
        return "vlf_fb_ref_vm(%s)" % names["vm"]
    return None


def fit_behaviour(fn, glue):
    """The call of glue function `glue` that implements tree function fn, or
    the reason it does not fit."""
    roles, first = leading_roles(fn.params)
    gparams = glue.params
    takes_ref = bool(gparams) and gparams[0].qual == "struct vlf_fb_ref"
    args = []
    if takes_ref:
        ref = ref_expr(roles, fn.params)
        if ref is None or set(roles) - {"vm", "vcpu", "vcpuid"}:
            return None, "its leading parameters (%s) name no VM or vCPU" % ", ".join(roles) or "none"
        args.append(ref)
        gparams = gparams[1:]
        rest = list(range(first, len(fn.params)))
    else:
        rest = list(range(len(fn.params)))
    if len(rest) > len(gparams):
        return None, "it takes %d arguments after its VM/vCPU, the glue %d" % (len(rest), len(gparams))
    for k, gp in enumerate(gparams):
        if k < len(rest):
            tp = fn.params[rest[k]]
            if not compatible(tp.desugared, gp.desugared):
                return None, "argument %d is %s, the glue's %s" % (k + 1, tp.qual, gp.qual)
            args.append("p%d" % rest[k])
        elif scalar(gp.desugared) or gp.is_pointer():
            args.append("0")  # a trailing argument this revision does not pass
        else:
            return None, "it lacks the glue's argument %s" % gp.qual
    if (fn.ret == "void") != (glue.ret == "void") or not compatible(fn.ret, glue.ret):
        return None, "it returns %s, the glue %s" % (fn.ret, glue.ret)
    return "%s(%s)" % (glue.name, ", ".join(args)), None


def definition(fn, body):
    params = ", ".join(declarator(p.qual, "p%d" % i) for i, p in enumerate(fn.params)) or "void"
    head = "%s%s%s(%s)" % (fn.ret, "" if fn.ret.endswith("*") else " ", fn.name, params)
    return "%s\n{\n%s}\n" % (head, body)


def unused(fn, used):
    return "".join("\t(void)p%d;\n" % i for i in range(len(fn.params)) if "p%d" % i not in used)


def inert_body(fn, value):
    roles, first = leading_roles(fn.params)
    lines = []
    for i, p in enumerate(fn.params):
        # Out-parameters read as zero; handles and inputs stay untouched.
        if i < first or not p.is_pointer() or p.qual.startswith("const ") or "(*)" in p.desugared:
            continue
        if p.pointee() in ("void", "char", "const char") or p.pointee().startswith("const "):
            continue
        lines.append("\tif (p%d != NULL)\n\t\tmemset(p%d, 0, sizeof(*p%d));\n" % (i, i, i))
    body = "".join(lines)
    body = unused(fn, body) + body
    if value != "-":
        body += "\treturn %s;\n" % value
    return body


def panic_body(fn):
    return unused(fn, "") + '\tpanic("%s: not on the interrupt path this harness drives", __func__);\n'


# --- the program ---------------------------------------------------------------


def read_tsv(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].rstrip("\n")
            if line.strip():
                rows.append([c.strip() for c in line.split("\t") if c.strip() != ""])
    return rows


def tree_relative(path, tree, links):
    path = os.path.normpath(path)
    for base, rel in ((links, "sys"), (os.path.join(tree, "sys"), "sys")):
        base = os.path.normpath(base)
        if path.startswith(base + os.sep):
            return rel + path[len(base):]
    return path


def compile_error(output, tree, links):
    """One line from a failed compile of a tree file."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        m = re.search(r"^(.*?):(\d+):\d+: fatal error: '([^']+)' file not found", line)
        if m:
            return "the FreeBSD tree's %s:%s includes <%s>, which the shim lacks (shim/include/%s)" % (
                tree_relative(m.group(1), tree, links),
                m.group(2),
                m.group(3),
                m.group(3),
            )
        m = re.search(r"^(.*?):(\d+):\d+: (?:fatal )?error: (.*)$", line)
        if m:
            return "the FreeBSD tree does not build with the shim: %s:%s: %s" % (
                tree_relative(m.group(1), tree, links),
                m.group(2),
                m.group(3),
            )
    return "the FreeBSD tree does not build with the shim: " + (lines[-1] if lines else "compiler failed")


def run(cmd, what):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    except OSError as e:
        raise Unfit("%s: %s" % (what, e))
    return p.returncode, p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cc", required=True, help="clang")
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--tree", required=True, help="the FreeBSD tree (sys/ below it)")
    ap.add_argument("--links", required=True, help="directory of links into the tree's sys/")
    ap.add_argument("--source", action="append", required=True, help="a FreeBSD file to build")
    ap.add_argument("--probe", required=True, help="C file including the tree's headers and glue.h")
    ap.add_argument("--check", action="append", default=[], help="a file of ours to compile against the result")
    ap.add_argument("--inert", required=True)
    ap.add_argument("--calls", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("cflags", nargs="*")
    a = ap.parse_args()
    try:
        generate(a)
    except Unfit as e:
        print(str(e).replace("\n", " "))
        return 1
    return 0


def generate(a):
    os.makedirs(a.out, exist_ok=True)
    tree = os.path.realpath(a.tree)
    links = os.path.realpath(a.links)
    tree_dirs = (tree + os.sep, os.path.normpath(a.links) + os.sep, links + os.sep)

    # 1. The tree's files, compiled: their undefined symbols are the glue's work.
    needed, defined = set(), set()
    with tempfile.TemporaryDirectory() as tmp:
        objs = []
        for i, src in enumerate(a.source):
            obj = os.path.join(tmp, "%d.o" % i)
            rc, out = run([a.cc] + a.cflags + ["-w", "-c", src, "-o", obj], "compiler")
            if rc != 0:
                raise Unfit(compile_error(out, tree, a.links))
            objs.append(obj)
        rc, out = run([a.nm, "--format=posix"] + objs, "nm")
        if rc != 0:
            raise Unfit("nm failed: " + out.strip().splitlines()[-1])
        for line in out.splitlines():
            f = line.split()
            if len(f) >= 2 and not f[0].endswith(":"):
                (needed if f[1] == "U" else defined).add(f[0])
        needed -= defined
        ast = os.path.join(tmp, "ast.json")
        with open(ast, "w") as f:
            p = subprocess.run(
                [a.cc] + a.cflags + ["-w", "-fsyntax-only", "-Xclang", "-ast-dump=json", a.probe],
                stdout=f,
                stderr=subprocess.PIPE,
                universal_newlines=True,
            )
        if p.returncode != 0:
            raise Unfit(compile_error(p.stderr, tree, a.links))
        decls = ast_decls(ast)

    def in_tree(path):
        return path is not None and os.path.normpath(path).startswith(tree_dirs) or (
            path is not None and os.path.realpath(path).startswith(tree + os.sep)
        )

    def tree_func(name):
        best = None
        for node, path in decls.get(name, ()):
            if node.get("kind") == "FunctionDecl" and in_tree(path):
                if best is None or node.get("inner"):
                    best = node
        return Func(name, best) if best else None

    glue = {}
    for name, nodes in decls.items():
        if name.startswith("vlf_glue_"):
            for node, _ in nodes:
                if node.get("kind") == "FunctionDecl":
                    glue[name] = Func(name, node)
    inert = {r[0]: r[1] for r in read_tsv(a.inert)}

    # 2. Definitions of what the tree needs.
    out = [
        "/* Generated by targets/freebsd/derive_glue.py from the tree's declarations. */\n",
        "#include \"glue_probe.h\"\n\n",
    ]
    notes = []
    for name in sorted(needed):
        if name.startswith("__"):
            continue  # the compiler's or the shim's (__pcpu), never vmm.ko's
        entries = decls.get(name, ())
        tree_entries = [(n, p) for n, p in entries if in_tree(p)]
        if not tree_entries:
            if entries:
                continue  # the C library's or the shim's
            raise Unfit("the FreeBSD tree's files use %s, which none of its headers declares" % name)
        node = tree_entries[0][0]
        if node.get("kind") == "VarDecl":
            out.append("__typeof__(%s) %s;\n\n" % (name, name))
            continue
        fn = tree_func(name)
        if fn.variadic:
            raise Unfit("the FreeBSD tree declares %s as variadic, which the glue cannot define" % fn.proto())
        variants = sorted(g for g in glue if g == "vlf_glue_" + name or g.startswith("vlf_glue_%s__" % name))
        call, why = None, None
        for g in variants:
            call, why = fit_behaviour(fn, glue[g])
            if call:
                break
        if variants and not call:
            raise Unfit("FreeBSD tree not supported: %s fits none of the glue's %s (%s)" % (fn.proto(), name, why))
        if call:
            used = set(re.findall(r"p\d+", call))
            body = unused(fn, used) + ("\t%s;\n" % call if fn.ret == "void" else "\treturn %s;\n" % call)
        elif name in inert:
            body = inert_body(fn, inert[name])
        else:
            body = panic_body(fn)
            notes.append(name)
        out.append(definition(fn, body) + "\n")
    with open(os.path.join(a.out, "glue_api.c"), "w") as f:
        f.write("".join(out))

    # 3. The adapter's calls into the tree.
    calls = [
        "/* Generated by targets/freebsd/derive_glue.py: the adapter's calls into the tree. */\n",
        "#ifndef VLF_FB_GLUE_CALLS_H\n#define VLF_FB_GLUE_CALLS_H\n\n",
    ]
    role_value = {
        "vm": "fb_role_vm(t)",
        "vcpu": "fb_role_vcpu(t, i)",
        "sc": "fb_role_sc(t)",
        "svcpu": "fb_role_svcpu(t, i)",
        "vcpuid": "i",
        "vlapic": "fb_role_vlapic(t, i)",
    }
    for row in read_tsv(a.calls):
        op, candidates = row[0], row[1].split("|")
        nargs = int(row[2]) if len(row) > 2 else 0
        required = set(row[3].split(",")) if len(row) > 3 else set()
        fn = None
        for c in candidates:
            fn = tree_func(c) if c != "-" else None
            if fn and not required <= set(leading_roles(fn.params)[0]):
                fn = None  # the same name for another job (svm_init before 2022)
            if fn or c == "-":
                break
        if fn is None and candidates[-1] != "-":
            raise Unfit(
                "FreeBSD tree not supported: it declares none of %s (the adapter's %s)"
                % (", ".join(candidates), op)
            )
        if fn is None:
            calls.append("#define fbc_%s(t, i) ((void)(t), (void)(i))\n\n" % op)
            continue
        roles, first = leading_roles(fn.params)
        extra = ", ".join(declarator(p.qual, "a%d" % k) for k, p in enumerate(fn.params[first:]))
        if len(fn.params) - first != nargs:
            raise Unfit(
                "FreeBSD tree not supported: %s takes %d arguments after its VM/vCPU, the adapter passes %d"
                % (fn.proto(), len(fn.params) - first, nargs)
            )
        args = [role_value[r] for r in roles] + ["a%d" % k for k in range(nargs)]
        sig = "struct vlf_fb_target *t, int i" + (", " + extra if extra else "")
        ret = fn.ret
        calls.append(
            "static inline %s%sfbc_%s(%s)\n{\n\t(void)t;\n\t(void)i;\n\t%s%s(%s);\n}\n\n"
            % (ret, "" if ret.endswith("*") else " ", op, sig, "" if ret == "void" else "return ", fn.name, ", ".join(args))
        )
    calls.append("#endif\n")
    with open(os.path.join(a.out, "glue_calls.h"), "w") as f:
        f.write("".join(calls))

    # 4. Facts about the tree.
    facts = ["/* Generated by targets/freebsd/derive_glue.py: facts about the tree. */\n"]
    for name in ("vm_get_maxcpus", "vcpu_notify_event"):
        facts.append("#define VLF_FB_DECLARES_%s %d\n" % (name, 1 if tree_func(name) else 0))
    # How this revision names a vCPU to vmm.c (vm_lapic()'s parameters).
    lapic = tree_func("vm_lapic")
    shape = ", ".join(p.qual.strip() for p in lapic.params[: leading_roles(lapic.params)[1]]) if lapic else "?"
    facts.append("#define VLF_FB_API_DESC \"(%s)\"\n" % shape)
    tree_vm = any(
        n.get("kind") == "RecordDecl" and n.get("completeDefinition") and in_tree(p) for n, p in decls.get("vm", ())
    )
    facts.append("#define VLF_FB_TREE_DEFINES_VM %d\n" % (1 if tree_vm else 0))
    with open(os.path.join(a.out, "fb_derived.h"), "w") as f:
        f.write("".join(facts))
    with open(os.path.join(a.out, "glue_panics.txt"), "w") as f:
        f.write("".join(n + "\n" for n in notes))

    # 5. Our side against this tree: a failure here would be a compiler error
    #    in the build; say it now, in one line.
    for src in [os.path.join(a.out, "glue_api.c")] + a.check:
        rc, out = run([a.cc] + a.cflags + ["-w", "-fsyntax-only", src], "compiler")
        if rc != 0:
            raise Unfit(
                "FreeBSD tree not supported: %s does not compile against it: %s"
                % (os.path.basename(src), compile_error(out, tree, a.links).split(": ", 1)[-1])
            )


if __name__ == "__main__":
    sys.exit(main())
