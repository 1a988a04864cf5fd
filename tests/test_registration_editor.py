"""Registration set up in the console: turned on with a deadline, an allocation and
invitation codes, checked like a file, saved into the conference (its file says so), and
turned off again; a save over someone else's is refused."""

import yaml
from starlette.testclient import TestClient

from server.views.environment import Views

from .helpers import MYK, organiser_cookie

EDIT = f"/console/{MYK}/edit/registration"


def text(key: str, **params) -> str:
    return Views().translator("de")(key, **params)


def post(client: TestClient, cookie: str, base: str = "null", **form):
    data = {"base": base, **form}
    return client.post(EDIT, data=data, headers={"cookie": cookie}, follow_redirects=False)


def section(client: TestClient, cookie: str):
    answer = client.get(f"/console/{MYK}/conference.yaml", headers={"cookie": cookie})
    return yaml.safe_load(answer.text).get("registration")


def test_registration_is_set_up_in_the_console_and_the_file_holds_it(client, settings):
    cookie = organiser_cookie(client, settings)
    page = client.get(EDIT, headers={"cookie": cookie})
    assert page.status_code == 200 and text("editor.registration_title") in page.text

    saved = post(
        client,
        cookie,
        takes="yes",
        closes="2022-03-20",
        allocation="preferences",
        invitations="MYK2022A Landkreis Mayen-Koblenz\n\nKOBLENZ22 Stadt Koblenz\n",
    )

    assert saved.status_code == 303, saved.text
    assert section(client, cookie) == {
        "closes": "2022-03-20",
        "allocation": "preferences",
        "invitations": [
            {"code": "MYK2022A", "municipality": "Landkreis Mayen-Koblenz"},
            {"code": "KOBLENZ22", "municipality": "Stadt Koblenz"},
        ],
    }
    desk = client.get(f"/console/{MYK}/registrations", headers={"cookie": cookie})
    assert desk.status_code == 200


def test_a_broken_setting_is_refused_with_its_sentence_and_nothing_saved(client, settings):
    cookie = organiser_cookie(client, settings)

    late = post(client, cookie, takes="yes", closes="2022-03-30", allocation="first_come")
    bad_code = post(client, cookie, takes="yes", allocation="first_come", invitations="kiel Kiel")

    assert late.status_code == 422 and "2022-03-30" in late.text
    assert bad_code.status_code == 422 and "&#39;kiel&#39;" in bad_code.text
    assert section(client, cookie) is None


def test_turning_registration_off_and_a_save_over_someone_elses(client, settings):
    cookie = organiser_cookie(client, settings)
    assert post(client, cookie, takes="yes", allocation="first_come").status_code == 303
    seen = '{"closes": null, "allocation": "first_come", "invitations": []}'

    other = post(client, cookie, base=seen, takes="yes", allocation="preferences")
    stale = post(client, cookie, base=seen, allocation="first_come")  # unticked: off

    assert other.status_code == 303
    assert stale.status_code == 409 and text("editor.registration_meanwhile") in stale.text
    assert section(client, cookie)["allocation"] == "preferences"
    now = '{"closes": null, "allocation": "preferences", "invitations": []}'
    assert post(client, cookie, base=now, allocation="first_come").status_code == 303
    assert section(client, cookie) is None
