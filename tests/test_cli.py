"""The command line: check and load sessions_config, with pointed errors."""

import shutil

from server.cli import main
from server.settings import Settings

from .conftest import PROJECT_ROOT


def test_check_reports_every_shipped_conference(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok  ") == 4
    assert "regionalkonferenz-mayen-koblenz-2022: 9 agenda items, 3 rooms" in out


def test_load_twice_reports_nothing_changed_the_second_time(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["load"], settings) == 0
    capsys.readouterr()
    assert main(["load"], settings) == 0
    assert capsys.readouterr().out.count("unchanged") == 4


def test_a_broken_file_is_named_with_its_line(tmp_path, capsys):
    source = PROJECT_ROOT / "tests" / "fixtures" / "broken_configs" / "capacity-not-a-number.yaml"
    broken = tmp_path / source.name
    shutil.copy(source, broken)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["load", str(broken)], settings) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {broken}:")
    assert "capacity must be a positive whole number, got 'viele'" in err
