import os
import unittest
from unittest import mock

from . import test_integration_sidecar


class MissingSidecarBuildTest(unittest.TestCase):
    def start_without_a_build(self, ci):
        environment = {key: value for key, value in os.environ.items() if key != "CI"}
        if ci is not None:
            environment["CI"] = ci
        with mock.patch.object(test_integration_sidecar, "sidecar_build", return_value=None), \
                mock.patch.dict(os.environ, environment, clear=True):
            test_integration_sidecar.RealSidecarTest.setUpClass()

    def test_skips_with_a_clear_message_outside_ci(self):
        for ci in [None, "false"]:
            with self.subTest(CI=ci), self.assertRaisesRegex(unittest.SkipTest, "make build"):
                self.start_without_a_build(ci)

    def test_fails_loudly_in_ci(self):
        with self.assertRaisesRegex(AssertionError, "CI=true and the local sidecar is not built"):
            self.start_without_a_build("true")


if __name__ == "__main__":
    unittest.main()
