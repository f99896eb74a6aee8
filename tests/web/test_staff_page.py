"""The staff page: admins add, edit and remove (audited); phones kept as E.164; staff and
viewers read only; the configuration's [[staff]] only seeds an empty list."""
import pytest

from appliance.app import Appliance
from appliance.config import Config, StaffMember
from tests.web.conftest import logged_in

MEMBER = {"name": "佐藤", "phone": "090-1111-2222", "email": "sato@example.jp", "notify_sms": "1"}


def test_add_edit_remove(client, services):
    logged_in(client, services)
    assert client.post("/staff/", data=MEMBER).status_code == 302
    member = services.list_staff()[0]
    assert (member["phone"], member["email"], member["notify_sms"], member["notify_email"]) == (
        "+819011112222", "sato@example.jp", 1, 0)
    page = client.get("/staff/").get_data(as_text=True)
    assert "担当者「佐藤」を追加しました" in page and "+819011112222" in page

    edit = client.get(f"/staff/{member['id']}").get_data(as_text=True)
    assert 'value="sato@example.jp"' in edit
    client.post(f"/staff/{member['id']}", data={**MEMBER, "name": "佐藤 花子", "phone": "０８０−３３３３−４４４４",
                                               "notify_email": "1"})
    member = services.staff_member(member["id"])
    assert (member["name"], member["phone"], member["notify_email"]) == ("佐藤 花子", "+818033334444", 1)

    assert client.post(f"/staff/{member['id']}/remove").status_code == 302
    assert services.list_staff() == []
    assert [e["action"] for e in services.audit_log()][:3] == ["staff.remove", "staff.edit", "staff.add"]
    assert client.post(f"/staff/{member['id']}/remove").status_code == 404


@pytest.mark.parametrize("phone", ["12", "abc-defg", "090-1234-5678-9999-0000"])
def test_bad_phone_is_refused_with_a_message(client, services, phone):
    logged_in(client, services)
    response = client.post("/staff/", data={**MEMBER, "phone": phone})
    assert response.status_code == 400
    assert f"電話番号「{phone}」は正しくありません" in response.get_data(as_text=True)
    assert services.list_staff() == []


def test_bad_email_and_missing_name_are_refused(client, services):
    logged_in(client, services)
    assert "メールアドレス「sato」は正しくありません" in client.post(
        "/staff/", data={**MEMBER, "email": "sato"}).get_data(as_text=True)
    assert "名前を40文字以内で入力してください" in client.post(
        "/staff/", data={**MEMBER, "name": " "}).get_data(as_text=True)


def test_removing_a_member_unassigns_their_conversations(client, services):
    logged_in(client, services)
    client.post("/staff/", data=MEMBER)
    staff_id = services.list_staff()[0]["id"]
    with services.db.write() as conn:
        customer = conn.execute("INSERT INTO customers (name, phone, created_at, updated_at)"
                                " VALUES ('客', '+819000000001', '2026-12-01', '2026-12-01')").lastrowid
        conn.execute("INSERT INTO conversations (customer_id, phone, assigned_staff_id) VALUES (?, ?, ?)",
                     (customer, "+819000000001", staff_id))
    client.post(f"/staff/{staff_id}/remove")
    assert services.db.one("SELECT assigned_staff_id FROM conversations")[0] is None


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_staff_and_viewers_read_but_cannot_change(client, services, role):
    services.create_user("kanri", "correct horse battery", "admin", actor="test")
    services.save_staff(None, MEMBER, actor="test")
    staff_id = services.list_staff()[0]["id"]
    logged_in(client, services, role=role)
    page = client.get("/staff/").get_data(as_text=True)
    assert "+819011112222" in page and "staff-form" not in page and "削除" not in page
    assert client.post("/staff/", data=MEMBER).status_code == 403
    assert client.get(f"/staff/{staff_id}").status_code == 403
    assert client.post(f"/staff/{staff_id}", data={**MEMBER, "name": "x"}).status_code == 403
    assert client.post(f"/staff/{staff_id}/remove").status_code == 403
    assert [s["name"] for s in services.list_staff()] == ["佐藤"]


def test_configuration_seeds_only_an_empty_staff_table(services, tmp_path):
    config = Config(database=tmp_path / "web.db", staff=[StaffMember("設定 太郎", phone="090-5555-6666")])
    Appliance(config, db=services.db, check_clock=False).sync_staff()
    assert [s["name"] for s in services.list_staff()] == ["設定 太郎"]
    services.save_staff(None, MEMBER, actor="test")
    services.remove_staff(services.list_staff()[1]["id"], actor="test")     # 設定 太郎 (sorted by name)
    Appliance(config, db=services.db, check_clock=False).sync_staff()      # a restart
    assert [s["name"] for s in services.list_staff()] == ["佐藤"]
