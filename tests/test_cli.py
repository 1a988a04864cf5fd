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


def test_invite_is_printed_once_listed_without_its_secret_and_revocable(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", secret_key="k")
    conference, room = "regionalkonferenz-mayen-koblenz-2022", "narrative-der-smart-city"
    main(["load"], settings)
    capsys.readouterr()

    assert (
        main(
            ["invite", conference, room, "--name", "Mia", "--base-url", "https://p.example/"],
            settings,
        )
        == 0
    )
    link = capsys.readouterr().out.splitlines()[-1]
    assert link.startswith(f"https://p.example/c/{conference}/moderate/1.")
    token = link.rsplit("/", 1)[1]

    assert main(["invites", conference], settings) == 0
    listing = capsys.readouterr().out
    assert "narrative-der-smart-city" in listing and "valid" in listing
    assert token.split(".")[1] not in listing

    assert main(["revoke-invite", "1"], settings) == 0
    assert main(["revoke-invite", "1"], settings) == 2
    main(["invites", conference], settings)
    assert "revoked" in capsys.readouterr().out


def test_invite_for_an_unknown_room_says_so(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", secret_key="k")
    main(["load"], settings)
    assert (
        main(["invite", "regionalkonferenz-ulm-2022", "gibt-es-nicht", "--name", "X"], settings)
        == 2
    )
    assert "no room 'gibt-es-nicht'" in capsys.readouterr().err
