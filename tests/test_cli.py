"""The command line: check and load sessions_config, with pointed errors."""

import shutil

from server.cli import main
from server.settings import PROJECT_ROOT, Settings

from .helpers import MYK


def test_check_reports_every_shipped_conference(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok  ") == 7
    assert "regionalkonferenz-mayen-koblenz-2022: 9 agenda items, 3 rooms" in out
    assert "mpsc-kongress-2022: 25 agenda items, 4 rooms" in out
    assert "start-smart-themenwerkstatt-2022: 7 agenda items, 2 rooms" in out
    assert "iscn-exchange-2022: 7 agenda items, 3 rooms" in out


def test_load_twice_reports_nothing_changed_the_second_time(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["load"], settings) == 0
    capsys.readouterr()
    assert main(["load"], settings) == 0
    assert capsys.readouterr().out.count("unchanged") == 7


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


MYK_ROOMS = "narrative-der-smart-city, strategieentwicklung, erfolgreiche-akteursnetzwerke"


def _invite(settings: Settings, conference: str, room: str) -> int:
    return main(["invite", conference, room, "--name", "Mia"], settings)


def test_invite_before_loading_says_the_conference_must_be_loaded_first(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", secret_key="k")
    assert _invite(settings, MYK, "narrative-der-smart-city") == 2
    out, err = capsys.readouterr()
    file = PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml"
    assert err == (
        f"error: The conference “{MYK}” is in {file} but not in the database yet: "
        "load it first with “plenum load”.\n"
    )
    assert "Moderation link" not in out


def test_invite_for_a_misspelt_conference_says_there_is_none(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", secret_key="k")
    main(["load"], settings)
    capsys.readouterr()
    assert _invite(settings, "regionalkonferenz-mayen-koblentz", "narrative-der-smart-city") == 2
    assert capsys.readouterr().err == (
        "error: There is no conference “regionalkonferenz-mayen-koblentz”: "
        "neither in the database nor in sessions_config.\n"
    )


def test_invite_for_an_unknown_room_lists_the_rooms_of_the_conference(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", secret_key="k")
    main(["load"], settings)
    capsys.readouterr()
    assert _invite(settings, MYK, "gibt-es-nicht") == 2
    assert capsys.readouterr().err == (
        f"error: There is no room “gibt-es-nicht” in the conference “{MYK}”. "
        f"Its rooms: {MYK_ROOMS}.\n"
    )


def test_listing_invites_and_exporting_say_a_conference_must_be_loaded_as_inviting_does(
    tmp_path, capsys
):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", secret_key="k")
    file = PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml"
    for command in (["invites", MYK], ["export", MYK]):
        assert main(command, settings) == 2
        assert capsys.readouterr().err == (
            f"error: The conference “{MYK}” is in {file} but not in the database yet: "
            "load it first with “plenum load”.\n"
        )
    main(["load"], settings)
    capsys.readouterr()
    assert main(["invites", "regionalkonferenz-mayen-koblentz"], settings) == 2
    assert capsys.readouterr().err == (
        "error: There is no conference “regionalkonferenz-mayen-koblentz”: "
        "neither in the database nor in sessions_config.\n"
    )


# --- Organiser accounts ---


def _stdin(monkeypatch, text: str, tty: bool = False) -> None:
    import io

    stream = io.StringIO(text)
    stream.isatty = lambda: tty
    monkeypatch.setattr("sys.stdin", stream)


def test_organiser_accounts_are_created_listed_repassworded_and_deleted(
    tmp_path, capsys, monkeypatch
):
    from server.store import organisers
    from server.store.database import Database

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    _stdin(monkeypatch, "ein-langes-passwort\n")
    assert (
        main(["create-organiser", "Mia", "--name", "Mia Orga", "--password-stdin"], settings) == 0
    )
    assert "organiser mia (Mia Orga) created" in capsys.readouterr().out

    assert main(["organisers"], settings) == 0
    listing = capsys.readouterr().out
    assert "mia" in listing and "Mia Orga" in listing and "passwort" not in listing

    _stdin(monkeypatch, "noch-ein-langes-passwort\n")
    assert main(["set-password", "mia", "--password-stdin"], settings) == 0
    database = Database(settings.database_url)
    try:
        hashed = database.run_read(lambda s: organisers.credentials(s, "mia"))[1]
    finally:
        database.close()
    assert hashed.startswith("$argon2id$") and "noch-ein-langes-passwort" not in hashed

    assert main(["delete-organiser", "mia"], settings) == 0
    assert main(["delete-organiser", "mia"], settings) == 2
    main(["organisers"], settings)
    assert "no organiser accounts yet" in capsys.readouterr().out


def test_create_organiser_asks_twice_on_a_terminal(tmp_path, capsys, monkeypatch):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    _stdin(monkeypatch, "", tty=True)
    answers = iter(["ein-langes-passwort", "ein-anderes-passwort"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main(["create-organiser", "mia", "--name", "Mia"], settings) == 2
    assert "the two passwords differ" in capsys.readouterr().err

    answers = iter(["ein-langes-passwort", "ein-langes-passwort"])
    assert main(["create-organiser", "mia", "--name", "Mia"], settings) == 0


def test_create_organiser_refuses_bad_input_with_a_reason(tmp_path, capsys, monkeypatch):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    _stdin(monkeypatch, "")
    assert main(["create-organiser", "mia", "--name", "Mia"], settings) == 2
    assert "no terminal to ask for the password: use --password-stdin" in capsys.readouterr().err

    cases = [
        (["x y", "--name", "X"], "ein-langes-passwort", "is not a valid username"),
        (["mia", "--name", " "], "ein-langes-passwort", "Please enter a display name."),
        (["mia", "--name", "Mia"], "kurz", "at least 12 characters"),
    ]
    for arguments, password, message in cases:
        _stdin(monkeypatch, password + "\n")
        assert main(["create-organiser", *arguments, "--password-stdin"], settings) == 2
        assert message in capsys.readouterr().err

    _stdin(monkeypatch, "ein-langes-passwort\n")
    main(["create-organiser", "mia", "--name", "Mia", "--password-stdin"], settings)
    _stdin(monkeypatch, "ein-langes-passwort\n")
    assert main(["create-organiser", "MIA", "--name", "Mia", "--password-stdin"], settings) == 2
    assert "The username “mia” is already taken." in capsys.readouterr().err
    _stdin(monkeypatch, "ein-langes-passwort\n")
    assert main(["set-password", "nobody", "--password-stdin"], settings) == 2
    assert "There is no account with the username “nobody”." in capsys.readouterr().err


def test_a_limit_that_does_not_parse_stops_the_start_with_one_line_naming_it(monkeypatch, capsys):
    monkeypatch.setenv("LIMIT_JOIN", "lots")
    assert main(["serve"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: LIMIT_JOIN='lots' is not a rate limit")
    assert "Traceback" not in error and len(error.splitlines()) == 1
