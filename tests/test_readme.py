"""The README's commands are the ones CI runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "pip install -r" in line]


def test_ci_runs_exactly_the_readme_test_command():
    readme = commands((ROOT / "README.md").read_text())
    ci = commands((ROOT / ".ci" / "run").read_text())
    assert (
        len(readme) == 2 and readme[0] == "pip install -r requirements.txt && streamlit run app.py"
    )
    assert ci == [readme[1]]
    assert "PIP_RETRIES=0" in (ROOT / ".ci" / "run").read_text()


def test_requirements_pin_the_stack_and_the_cpu_index():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    for pin in ("torch==2.13.0", "streamlit==1.67.0", "plotly==7.1.0", "pandas==3.1.1"):
        assert pin in lines
