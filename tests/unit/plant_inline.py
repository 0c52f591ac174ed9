#!/usr/bin/env python3
# plant_inline.py: planted-fault proof of the inline-answer checks (issue 13
# item 3): each plant breaks one check in the real source, rebuilds the
# unit test that covers it and must see it fail; the source is restored.
# Run from the top of the tree after "make all": python3 tests/unit/plant_inline.py
VI = ("build/tests/vmi_inline", "build/tests/vmi_inline")
PI = ("build/tests/pv_inline", "build/tests/pv_inline")
P = [
 ("vmi-rom/inline.c", "r.type != VMI_RELOC_CALL)", "0)", *VI, "INLINE_CALL"),
 ("vmi-rom/inline.c", "if ((e->flags & ~VMI_INLINE_F_KNOWN) || e->len == 0 ||", "if (e->len == 0 ||", *VI, "INLINE_ENTRY (flags)"),
 ("vmi-rom/inline.c", "if ((e->clobbers & ~d->allowed) || (e->clobbers & VMI_REG(VMI_RSP)))", "if (0)", *VI, "INLINE_CLOBBERS"),
 ("vmi-rom/inline.c", "if (in->cls == VMI_INSN_LEAVE)\n\t\t\treturn VMI_ST_INLINE_LEAVE;", "", *VI, "INLINE_LEAVE"),
 ("vmi-rom/inline.c", "if (in->cls == VMI_INSN_PRIV && !(e->flags & VMI_INLINE_F_NATIVE_SAFE))", "if (0)", *VI, "INLINE_PRIV"),
 ("vmi-rom/inline.c", "if (depth != 0 || (stack && branches))", "if (0)", *VI, "INLINE_STACK"),
 ("vmi-rom/inline.c", "if (writes & ~e->clobbers)", "if (0)", *VI, "INLINE_WRITES"),
 ("vmi-rom/inline.c", "if (t < 0 || t > e->len || !starts[t])", "if (t < 0 || t > e->len)", *VI, "INLINE_BRANCH (into an instruction)"),
 ("vmi-rom/inline.c", "if (pf->kind == 0 || pf->kind >= VMI_FIX_KINDS || rd16(f + 2))", "if (pf->kind == 0)", *VI, "INLINE_FIX_KIND"),
 ("vmi-rom/inline.c", "if (!in->riprel || (unsigned)in->disp + start != pf->at)", "if (!in->riprel)", *VI, "INLINE_FIX_FIELD"),
 ("vmi-rom/inline.c", "\t\t\treturn VMI_ST_INLINE_FIX_RANGE;", "\t\t\t{ }", *VI, "INLINE_FIX_RANGE"),
 ("vmi-rom/inline.c", "\t\t\treturn VMI_ST_INLINE_RIPREL;", "\t\t\t{ }", *VI, "INLINE_RIPREL"),
 ("vmi-rom/inline.c", "if (in->fixed & renamed)", "if (0)", *VI, "INLINE_RENAME (fixed use)"),
 ("vmi-rom/inline.c", "if (in->rex < 0 || plan->nrefs", "if (plan->nrefs", *VI, "INLINE_RENAME (no REX)"),
 ("vmi-rom/validate.c", "if (seen[e.call]++)", "if (seen[e.call]++ && 0)", *VI, "INLINE_DUP"),
 ("vmi-rom/validate.c", "h->inline_count > VMI_INLINE_COUNT_MAX || (h->inline_offset & 7) ||", "", *VI, "INLINE_BOUNDS"),
 ("vmi-rom/inline_decode.c", "if ((f & F_MEM) || d->lock)", "if (f & F_MEM)", *VI, "decoder: lock on a register"),
 ("vmi-rom/inline_decode.c", "case 0xfa: case 0xfb:\n\t\tin->cls = VMI_INSN_PRIV;", "case 0xfa: case 0xfb:", *VI, "decoder: cli/sti privileged"),
 ("pvops/inline.c", "if (a->len > s->len)\n\t\treturn PV_INL_LONG;", "", *PI, "site: too long"),
 ("pvops/inline.c", "if (taken & (1u << r))\n\t\t\treturn PV_INL_COLLIDE;", "", *PI, "site: collision"),
 ("pvops/inline.c", "if (clob & ~s->clobbers)\n\t\treturn PV_INL_CLOBBER;", "", *PI, "site: clobbers"),
 ("pvops/inline.c", "if (d < INT32_MIN || d > INT32_MAX)\n\t\treturn PV_INL_REACH;", "", *PI, "site: rel32 reach"),
 ("pvops/inline.c", "if (a->uses & (1u << conv))\n\t\t\t\treturn PV_INL_REG;", "", *PI, "site: operand elsewhere"),
 ("pvops/patch.c", "\t\telse\n\t\t\tkind = PV_CALL;", "", *PI, "patcher: CALL fallback"),
 ("pvops/patch.c", "if (d->kind == PV_INLINE && (!d->inl || !d->inl->code))", "if (0)", *PI, "patcher: inline without answer"),
]
import os, subprocess
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ok = 0
for f, old, new, target, cmd, what in P:
    src = open(f).read()
    if old not in src:
        print("MISSING", what); continue
    open(f, 'w').write(src.replace(old, new, 1))
    try:
        b = subprocess.run(['nice', 'make', '-s', target], capture_output=True, text=True)
        if b.returncode != 0:
            print("BUILD-FAIL", what, b.stderr[-300:]); continue
        r = subprocess.run([cmd], capture_output=True, text=True, env=dict(os.environ, CMOCKA_MESSAGE_OUTPUT='TAP'))
        failed = [l for l in r.stdout.splitlines() if l.startswith('not ok')]
        verdict = "CAUGHT" if r.returncode != 0 else "MISSED"
        ok += verdict == "CAUGHT"
        print(f"{verdict:7} {what}: {failed[0] if failed else ''}")
    finally:
        open(f, 'w').write(src)
subprocess.run(['nice', 'make', '-s', 'build/tests/vmi_inline', 'build/tests/pv_inline'])
print(f"{ok}/{len(P)} caught")
