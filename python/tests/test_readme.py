"""README's "From Python" example runs as written (in a scratch folder)."""

import os
import re

import pytest

from conftest import ROOT

FASHION = "/usr/share/datasets/fashion-mnist"


@pytest.mark.skipif(not os.path.isdir(FASHION), reason="dataset-fashion-mnist not installed")
def test_readme_example_runs(tmp_path, monkeypatch, capsys):
    with open(os.path.join(ROOT, "README.md")) as f:
        section = f.read().split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert float(re.search(r"test accuracy (\S+)", out).group(1)) > 0.75
    assert (tmp_path / "fashion.safetensors").exists()
    assert (tmp_path / "runs" / "python" / "summary.json").exists()
