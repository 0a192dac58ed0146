"""Unit tests of targets/freebsd/derive_glue.py: how a tree's declaration is
matched to the glue's behaviour, on declarations of the shapes FreeBSD
releases have used (written here, not read from a tree)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "targets", "freebsd"))
import derive_glue as dg  # noqa: E402


def func(name, ret, *params):
    """A Func from (name, type) pairs, as clang's AST would give it."""
    node = {
        "type": {"qualType": "%s (%s)" % (ret, ", ".join(t for _, t in params) or "void")},
        "inner": [{"kind": "ParmVarDecl", "name": n, "type": {"qualType": t}} for n, t in params],
    }
    return dg.Func(name, node)


REF = ("r", "struct vlf_fb_ref")


class Types(unittest.TestCase):
    def test_return_type(self):
        self.assertEqual(dg.return_type("struct vlapic *(struct vm *, int)"), "struct vlapic *")
        self.assertEqual(dg.return_type("void (void)"), "void")

    def test_declarator(self):
        self.assertEqual(dg.declarator("struct vm *", "p0"), "struct vm *p0")
        self.assertEqual(dg.declarator("void (*)(struct vcpu *, void *)", "p2"), "void (*p2)(struct vcpu *, void *)")
        self.assertEqual(dg.declarator("uint64_t", "p1"), "uint64_t p1")

    def test_compatible(self):
        self.assertTrue(dg.compatible("int", "uint32_t"))
        self.assertTrue(dg.compatible("void *", "struct vm *"))
        self.assertFalse(dg.compatible("uint32_t *", "uint64_t *"))
        self.assertFalse(dg.compatible("int", "int *"))


class Roles(unittest.TestCase):
    def test_vm_and_vcpuid(self):
        f = func("vm_inject_nmi", "int", ("vm", "struct vm *"), ("vcpuid", "int"))
        self.assertEqual(dg.leading_roles(f.params), (["vm", "vcpuid"], 2))

    def test_an_int_that_is_no_vcpu(self):
        f = func("vm_apicid2vcpuid", "int", ("vm", "struct vm *"), ("apicid", "int"))
        self.assertEqual(dg.leading_roles(f.params), (["vm"], 1))

    def test_untyped_handles(self):
        f = func("svm_vcpu_init", "void *", ("vmi", "void *"), ("vcpu1", "struct vcpu *"), ("vcpuid", "int"))
        self.assertEqual(dg.leading_roles(f.params)[0], ["sc", "vcpu", "vcpuid"])
        f = func("svm_vlapic_init", "struct vlapic *", ("vcpui", "void *"))
        self.assertEqual(dg.leading_roles(f.params)[0], ["svcpu"])


class Fit(unittest.TestCase):
    glue = func("vlf_glue_vm_inject_nmi", "int", REF)

    def test_every_vcpu_shape_fits(self):
        for params in (
            [("vm", "struct vm *"), ("vcpuid", "int")],
            [("vcpu", "struct vcpu *")],
            [("vm", "void *"), ("vcpuid", "int")],
        ):
            call, why = dg.fit_behaviour(func("vm_inject_nmi", "int", *params), self.glue)
            self.assertIsNotNone(call, why)
        call, _ = dg.fit_behaviour(func("vm_inject_nmi", "int", ("vcpu", "struct vcpu *")), self.glue)
        self.assertEqual(call, "vlf_glue_vm_inject_nmi(vlf_fb_ref_vcpu(p0))")

    def test_vm_alone_names_the_current_vcpu(self):
        glue = func("vlf_glue_vioapic_process_eoi", "void", REF, ("vector", "int"))
        call, _ = dg.fit_behaviour(
            func("vioapic_process_eoi", "void", ("vm", "struct vm *"), ("vector", "int")), glue
        )
        self.assertEqual(call, "vlf_glue_vioapic_process_eoi(vlf_fb_ref_vm(p0), p1)")

    def test_missing_trailing_argument_is_zero(self):
        glue = func("vlf_glue_vcpu_notify_event", "void", REF, ("lapic_intr", "bool"))
        call, _ = dg.fit_behaviour(func("vcpu_notify_event", "void", ("vcpu", "struct vcpu *")), glue)
        self.assertEqual(call, "vlf_glue_vcpu_notify_event(vlf_fb_ref_vcpu(p0), 0)")

    def test_misfits_say_why(self):
        call, why = dg.fit_behaviour(
            func("vm_inject_nmi", "int", ("vm", "struct vm *"), ("vcpuid", "int"), ("why", "char *")), self.glue
        )
        self.assertIsNone(call)
        self.assertIn("1 arguments after its VM/vCPU, the glue 0", why)
        glue = func("vlf_glue_vm_entry_intinfo", "int", REF, ("retinfo", "uint64_t *"))
        call, why = dg.fit_behaviour(
            func("vm_entry_intinfo", "int", ("vcpu", "struct vcpu *"), ("info", "uint32_t *")), glue
        )
        self.assertIsNone(call)
        self.assertIn("uint32_t *", why)
        call, why = dg.fit_behaviour(func("vm_inject_nmi", "void", ("vcpu", "struct vcpu *")), self.glue)
        self.assertIn("returns void", why)


class Bodies(unittest.TestCase):
    def test_inert_zeroes_out_parameters_only(self):
        f = func(
            "vmcb_read", "int", ("sc", "struct svm_softc *"), ("vcpu", "int"), ("ident", "int"), ("retval", "uint64_t *")
        )
        body = dg.inert_body(f, "EINVAL")
        self.assertIn("memset(p3, 0, sizeof(*p3))", body)
        self.assertNotIn("memset(p0", body)
        self.assertTrue(body.rstrip().endswith("return EINVAL;"))

    def test_compile_error_names_the_header_and_includer(self):
        line = dg.compile_error(
            "In file included from x.c:1:\n/t/sys/amd64/include/vmm_dev.h:32:10: fatal error: "
            "'sys/domainset.h' file not found\n",
            "/t",
            "/b/fbsys",
        )
        self.assertEqual(
            line,
            "the FreeBSD tree's sys/amd64/include/vmm_dev.h:32 includes <sys/domainset.h>, "
            "which the shim lacks (shim/include/sys/domainset.h)",
        )


if __name__ == "__main__":
    unittest.main()
