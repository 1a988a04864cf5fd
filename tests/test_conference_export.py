"""A stored conference written back out as its sessions_config file: the file loads back to
the same conference, and loading it changes nothing."""

from pathlib import Path

import pytest
import yaml
from lxml import html

from server.cli import main
from server.conference_files import load_conference_file
from server.domain.errors import DomainError
from server.domain.permissions import Role
from server.services import conferences
from server.services.config_files import conference_file, load_into
from server.settings import PROJECT_ROOT, Settings
from server.store.database import Database

from .helpers import MYK, backends_of, join, organiser_cookie

SHIPPED = sorted((PROJECT_ROOT / "sessions_config").glob("*.yaml"))


@pytest.fixture
def database(database_url: str):
    db = Database(database_url)
    db.migrate()
    yield db
    db.close()


def exported(database: Database, slug: str, folder: Path) -> Path:
    backends = backends_of(database)
    text = conference_file(backends, Role.ORGANISER, conferences.named(backends, slug))
    path = folder / f"{slug}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_conference_comes_back_as_the_file_it_was_loaded_from(database, tmp_path):
    backends = backends_of(database)
    load_into(backends, SHIPPED)
    for shipped in SHIPPED:
        config = load_conference_file(shipped)
        path = exported(database, config.slug, tmp_path)

        assert load_conference_file(path) == config
        assert load_into(backends, [path]) == {config.slug: 0}


def test_what_the_file_left_out_stays_out_and_the_settings_it_changed_come_with_it(
    database, tmp_path
):
    source = PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    edited = tmp_path / "edited" / source.name
    edited.parent.mkdir()
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    backends = backends_of(database)
    load_into(backends, [edited])
    dropped = data["rooms"].pop()  # archived in the database, with its board
    data["rooms"][0]["prompts"].pop(0)
    data["rooms"][0]["board"] = {"vote_budget": 7, "pre_moderation": True}
    data["rooms"][0]["description"] = "Zeile eins\nZeile zwei"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_into(backends, [edited])

    path = exported(database, MYK, tmp_path)

    back = load_conference_file(path)
    assert back == load_conference_file(edited)
    assert dropped["slug"] not in {room.slug for room in back.rooms}
    assert back.rooms[0].board.vote_budget == 7 and back.rooms[0].board.pre_moderation
    text = path.read_text(encoding="utf-8")
    assert "vote_on_own_cards" not in text  # a default is not written
    assert "description: |-\n      Zeile eins\n      Zeile zwei\n" in text
    assert text.startswith(f"# {MYK} · Plenum · ")


def test_only_organisers_get_a_conference_file(database):
    backends = backends_of(database)
    load_into(backends, SHIPPED)
    conference = conferences.named(backends, MYK)
    for role in (Role.STRANGER, Role.PARTICIPANT, Role.MODERATOR):
        with pytest.raises(DomainError):
            conference_file(backends, role, conference)


def test_the_command_line_writes_a_file_that_check_and_load_take(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["load"], settings) == 0
    folder = tmp_path / "out"
    folder.mkdir()

    assert main(["export-config", MYK, "--out", str(folder)], settings) == 0
    written = folder / f"{MYK}.yaml"
    assert f"load it with: plenum load {written}" in capsys.readouterr().err
    assert main(["check", str(written)], settings) == 0
    assert main(["load", str(written)], settings) == 0
    assert capsys.readouterr().out.endswith(f"{MYK}: unchanged\n")

    assert main(["export-config", MYK], settings) == 0
    assert capsys.readouterr().out == written.read_text(encoding="utf-8")


def test_the_command_line_refuses_a_file_name_the_loader_would_refuse(tmp_path, capsys):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["load"], settings) == 0
    capsys.readouterr()

    assert main(["export-config", MYK, "--out", str(tmp_path / "myk.yaml")], settings) == 2
    assert f"must be named {MYK}.yaml" in capsys.readouterr().err
    assert not (tmp_path / "myk.yaml").exists()
    assert main(["export-config", "gibt-es-nicht"], settings) == 2
    assert "gibt-es-nicht" in capsys.readouterr().err


def test_the_console_hands_the_organiser_the_file_that_loads_back_unchanged(
    client, settings, tmp_path
):
    organiser = organiser_cookie(client, settings)
    page = html.fromstring(client.get(f"/console/{MYK}", headers={"cookie": organiser}).text)
    link = page.xpath("//a[contains(., 'Als Konferenzdatei (YAML) herunterladen')]")[0]

    answer = client.get(link.get("href"), headers={"cookie": organiser})

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/yaml; charset=utf-8"
    assert answer.headers["content-disposition"] == f'attachment; filename="{MYK}.yaml"'
    path = tmp_path / f"{MYK}.yaml"
    path.write_bytes(answer.content)
    assert load_conference_file(path) == load_conference_file(
        PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml"
    )
    database = Database(settings.database_url)
    try:
        assert load_into(backends_of(database), [path]) == {MYK: 0}
    finally:
        database.close()


def test_participants_strangers_and_unknown_conferences_get_no_file(client, settings):
    path = f"/console/{MYK}/conference.yaml"
    anna = join(client, "Anna")
    client.cookies.clear()
    for cookie in (anna, ""):
        answer = client.get(path, headers={"cookie": cookie}, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/login?reason=required&next={path}"
    organiser = organiser_cookie(client, settings)
    unknown = client.get("/console/gibt-es-nicht/conference.yaml", headers={"cookie": organiser})
    assert unknown.status_code == 404
