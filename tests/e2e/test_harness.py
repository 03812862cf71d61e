"""The test harness itself: catch_discover_tests splits test names at ';' (a CMake list), and a split name
matches no test case, which Catch2 reports as success: such a test would never run. No name may hold one."""
import re

from conftest import ROOT


def test_no_catch2_test_name_holds_a_semicolon():
    bad = []
    for path in sorted((ROOT / "tests" / "unit").glob("*.cpp")):
        for name in re.findall(r'TEST_CASE\(\s*"([^"]*)"', path.read_text()):
            if ";" in name:
                bad.append(f"{path.name}: {name}")
    assert not bad, "rename (';' splits the ctest name, and the pieces run nothing): " + "; ".join(bad)
