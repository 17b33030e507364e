"""Close's official Python client (closeio) against the emulated Close: every assertion is on what the
client returns after its own parsing (dicts from JSON, its ValidationError and APIError on refusals)."""

import itertools
import time
from datetime import datetime

import pytest
from closeio_api import API, APIError, ValidationError

_n = itertools.count()


def unique(what):
    return f"{what}-{time.time_ns()}-{next(_n)}"


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_me_names_the_user_and_organization(close):
    me = close.get("me")
    assert me["id"].startswith("user_")
    assert "@" in me["email"]
    assert me["organizations"][0]["id"].startswith("orga_")


def test_users_list(close):
    users = close.get("user")
    assert users["data"]
    assert all(u["id"].startswith("user_") for u in users["data"])


def test_lead_list_pages_with_skip_and_limit(close):
    first = close.get("lead", params={"_skip": 0, "_limit": 10})
    assert len(first["data"]) == 10
    assert first["has_more"] is True
    second = close.get("lead", params={"_skip": 10, "_limit": 10})
    assert {l["id"] for l in first["data"]}.isdisjoint(l["id"] for l in second["data"])


def test_lead_list_limit_over_the_maximum_is_a_validation_error(close):
    with pytest.raises(ValidationError) as refused:
        close.get("lead", params={"_limit": 101})
    assert "_limit" in refused.value.field_errors


def test_lead_list_with_fields_and_order_by_date_updated(close):
    page = close.get("lead", params={"_limit": 50, "_fields": "id,display_name,date_updated", "_order_by": "date_updated"})
    assert set(page["data"][0]) == {"id", "display_name", "date_updated"}
    times = [parse_time(l["date_updated"]) for l in page["data"]]
    assert times == sorted(times)


def test_lead_list_since_a_moment(close):
    page = close.get("lead", params={"date_updated__gte": "2000-01-01T00:00:00+00:00", "_limit": 5})
    assert len(page["data"]) == 5


def test_lead_read_embeds_its_contacts(close):
    lead = next(l for l in close.get("lead", params={"_limit": 50})["data"] if l["contacts"])
    got = close.get(f"lead/{lead['id']}")
    assert got["id"] == lead["id"]
    assert got["contacts"][0]["lead_id"] == lead["id"]
    assert parse_time(got["date_created"])


def test_lead_read_of_a_missing_id_is_an_api_error(close):
    with pytest.raises(APIError) as refused:
        close.get("lead/lead_doesnotexist000000000000000000000000000000")
    assert refused.value.response.status_code == 404


def test_lead_create_update_delete(close):
    lead = close.post("lead", {"name": unique("Acme"), "url": "https://acme.example"})
    assert lead["id"].startswith("lead_")
    updated = close.put(f"lead/{lead['id']}", {"description": "Met at the trade show"})
    assert updated["description"] == "Met at the trade show"
    assert updated["name"] == lead["name"]
    assert close.delete(f"lead/{lead['id']}") == {}
    with pytest.raises(APIError):
        close.get(f"lead/{lead['id']}")


def test_lead_create_with_contacts_inline(close):
    email = f"{unique('inline')}@example.com"
    lead = close.post("lead", {"name": unique("Inline Co"), "contacts": [{"name": "Ann Lee", "emails": [{"email": email, "type": "office"}]}]})
    assert lead["contacts"][0]["emails"][0]["email"] == email


def test_contact_list_and_read(close):
    page = close.get("contact", params={"_limit": 5})
    assert len(page["data"]) == 5
    one = close.get(f"contact/{page['data'][0]['id']}")
    assert one["id"].startswith("cont_")
    assert one["lead_id"].startswith("lead_")


def test_contact_create_with_emails_and_phones(close):
    lead = close.post("lead", {"name": unique("Contact Co")})
    email = f"{unique('c')}@example.com"
    contact = close.post("contact", {"lead_id": lead["id"], "name": "Bea Chan", "title": "CFO",
                                     "emails": [{"email": email, "type": "office"}],
                                     "phones": [{"phone": "+14155550100", "type": "office"}]})
    assert contact["lead_id"] == lead["id"]
    assert contact["emails"][0]["email"] == email
    assert contact["phones"][0]["phone"] == "+14155550100"


def test_contact_create_without_a_lead_makes_one(close):
    contact = close.post("contact", {"name": "Cy Solo"})
    assert contact["lead_id"].startswith("lead_")


def test_contact_create_with_a_bad_email_names_the_field(close):
    with pytest.raises(ValidationError) as refused:
        close.post("contact", {"name": "Bad", "emails": [{"email": "not an email", "type": "office"}]})
    assert refused.value.field_errors


def test_contact_update_and_delete(close):
    contact = close.post("contact", {"name": "Dee Old"})
    updated = close.put(f"contact/{contact['id']}", {"title": "Head of Ops"})
    assert updated["title"] == "Head of Ops"
    assert close.delete(f"contact/{contact['id']}") == {}


def test_opportunity_list_with_money_in_cents(close):
    page = close.get("opportunity", params={"_limit": 5})
    opp = page["data"][0]
    assert opp["id"].startswith("oppo_")
    assert isinstance(opp["value"], int)
    assert opp["status_type"] in ("active", "won", "lost")


def test_opportunity_create_update_delete(close):
    lead = close.post("lead", {"name": unique("Deal Co")})
    status = close.get("status/opportunity")["data"][0]
    opp = close.post("opportunity", {"lead_id": lead["id"], "status_id": status["id"], "value": 125000, "value_period": "one_time", "note": "Pilot"})
    assert opp["value"] == 125000
    assert opp["status_id"] == status["id"]
    updated = close.put(f"opportunity/{opp['id']}", {"value": 150000})
    assert updated["value"] == 150000
    assert close.delete(f"opportunity/{opp['id']}") == {}


def test_note_activities_list_create_update_delete(close):
    lead = close.get("lead", params={"_limit": 1})["data"][0]
    note = close.post("activity/note", {"lead_id": lead["id"], "note": "Wants a demo"})
    assert note["id"].startswith("acti_")
    assert note["lead_id"] == lead["id"]
    listed = close.get("activity/note", params={"lead_id": lead["id"]})
    assert note["id"] in [n["id"] for n in listed["data"]]
    updated = close.put(f"activity/note/{note['id']}", {"note": "Demo booked"})
    assert updated["note"] == "Demo booked"
    assert close.get(f"activity/note/{note['id']}")["note"] == "Demo booked"
    assert close.delete(f"activity/note/{note['id']}") == {}


def test_call_activities_list(close):
    calls = close.get("activity/call", params={"_limit": 5})
    assert calls["data"]
    call = calls["data"][0]
    assert call["_type"] == "Call"
    assert isinstance(call["duration"], int)
    assert call["direction"] in ("inbound", "outbound")


def test_email_activities_are_created_in_a_state_and_listed(close):
    lead = close.get("lead", params={"_limit": 1})["data"][0]
    email = close.post(
        "activity/email",
        {"lead_id": lead["id"], "subject": "Re: pricing", "body_text": "Friday?", "direction": "incoming", "status": "inbox"},
    )
    assert email["id"].startswith("acti_")
    assert email["_type"] == "Email"
    listed = close.get("activity/email", params={"lead_id": lead["id"]})
    assert email["id"] in [e["id"] for e in listed["data"]]
    # An e-mail's id is not a note's: each activity type answers for its own.
    with pytest.raises(APIError):
        close.get(f"activity/note/{email['id']}")
    assert close.delete(f"activity/email/{email['id']}") == {}


def test_an_email_without_its_state_names_the_field(close):
    lead = close.get("lead", params={"_limit": 1})["data"][0]
    with pytest.raises(ValidationError) as refused:
        close.post("activity/email", {"lead_id": lead["id"], "subject": "No state"})
    assert "status" in refused.value.field_errors


def test_meetings_are_listed_and_updated_but_not_created(close):
    meetings = close.get("activity/meeting", params={"_limit": 5})
    assert meetings["data"]
    meeting = meetings["data"][0]
    assert meeting["_type"] == "Meeting"
    assert parse_time(meeting["ends_at"]) > parse_time(meeting["starts_at"])
    updated = close.put(f"activity/meeting/{meeting['id']}", {"user_note_html": "<p>Went well</p>"})
    assert updated["user_note_html"] == "<p>Went well</p>"
    with pytest.raises(APIError):
        close.post("activity/meeting", {"lead_id": meeting["lead_id"], "title": "Nope"})


def test_lead_tasks_create_list_complete_delete(close):
    lead = close.get("lead", params={"_limit": 1})["data"][0]
    task = close.post("task", {"_type": "lead", "lead_id": lead["id"], "text": "Send the proposal", "date": "2026-10-09"})
    assert task["id"].startswith("task_")
    assert task["is_complete"] is False
    listed = close.get("task", params={"lead_id": lead["id"]})
    assert task["id"] in [t["id"] for t in listed["data"]]
    done = close.put(f"task/{task['id']}", {"is_complete": True})
    assert done["is_complete"] is True
    assert close.delete(f"task/{task['id']}") == {}


def test_lead_merge_moves_contacts_to_the_destination(close):
    source = close.post("lead", {"name": unique("Source"), "contacts": [{"name": "Moved Person"}]})
    destination = close.post("lead", {"name": unique("Destination")})
    assert close.post("lead/merge", {"source": source["id"], "destination": destination["id"]}) == {}
    merged = close.get(f"lead/{destination['id']}")
    assert "Moved Person" in [c["name"] for c in merged["contacts"]]
    with pytest.raises(APIError):
        close.get(f"lead/{source['id']}")


def test_advanced_filtering_search_with_a_cursor(close):
    body = {"query": {"type": "and", "queries": [{"type": "object_type", "object_type": "lead"}]},
            "_fields": {"lead": ["id", "display_name"]}, "_limit": 20, "sort": []}
    first = close.post("data/search", body)
    assert len(first["data"]) == 20
    assert first["cursor"]
    second = close.post("data/search", {**body, "cursor": first["cursor"]})
    assert {l["id"] for l in first["data"]}.isdisjoint(l["id"] for l in second["data"])


def test_advanced_filtering_limit_over_200_is_refused(close):
    with pytest.raises(ValidationError) as refused:
        close.post("data/search", {"query": {"type": "object_type", "object_type": "lead"}, "_limit": 201})
    assert "_limit" in refused.value.field_errors


def test_event_log_with_cursor(close):
    close.post("lead", {"name": unique("Evented")})
    page = close.get("event", params={"_limit": 10})
    assert "cursor_next" in page
    assert page["data"][0]["object_type"] in ("lead", "contact", "opportunity", "activity.note", "activity.call")


def test_custom_fields_of_leads(close):
    fields = close.get("custom_field/lead")
    assert fields["data"]
    field = fields["data"][0]
    assert field["id"].startswith("cf_")
    assert field["type"] in ("text", "choices", "number", "date", "datetime", "user", "contact", "hidden")


def test_a_custom_field_is_created_listed_and_a_taken_name_refused(close):
    name = unique("Buying role")
    created = close.post("custom_field/contact", {"name": name, "type": "choices", "choices": ["Champion", "User"]})
    assert created["id"].startswith("cf_")
    assert created["type"] == "choices"
    assert created["choices"] == ["Champion", "User"]
    listed = close.get("custom_field/contact")
    assert any(f["id"] == created["id"] for f in listed["data"])
    with pytest.raises(ValidationError) as refused:
        close.post("custom_field/contact", {"name": name, "type": "text"})
    assert "name" in refused.value.field_errors
    with pytest.raises(ValidationError) as refused:
        close.post("custom_field/contact", {"name": unique("Odd"), "type": "not-a-type"})
    assert "type" in refused.value.field_errors


def test_pipelines_with_statuses(close):
    pipelines = close.get("pipeline")
    statuses = pipelines["data"][0]["statuses"]
    assert statuses
    assert all(s["id"].startswith("stat_") for s in statuses)


def test_lead_and_opportunity_statuses(close):
    leads = close.get("status/lead")["data"]
    opps = close.get("status/opportunity")["data"]
    assert leads and opps
    assert {s["status_type"] for s in opps} >= {"active", "won", "lost"}


def test_a_wrong_api_key_is_refused(emulator):
    bad = API(emulator.close["base_url"].rstrip("/") + "/", api_key="api_wrong", max_retries=1)
    with pytest.raises(APIError) as refused:
        bad.get("me")
    assert refused.value.response.status_code == 401


def test_rate_limited_answers_are_retried_by_the_client(emulator):
    """429 with `RateLimit: ... reset=1`: the client sleeps the reset and succeeds."""
    emulator.faults("close", "rate_limit_rate=0.4,seed=11")
    try:
        api = emulator.api(max_retries=8)
        for _ in range(4):
            assert len(api.get("lead", params={"_limit": 2})["data"]) == 2
    finally:
        emulator.faults("close", "")


def test_503_answers_are_retried_by_the_client(emulator):
    emulator.faults("close", "error_rate=0.3,seed=13")
    try:
        api = emulator.api(max_retries=8)
        for _ in range(3):
            assert api.get("me")["id"].startswith("user_")
    finally:
        emulator.faults("close", "")


def test_custom_object_types_and_their_instances(close):
    types = close.get("custom_object_type")["data"]
    invoice = next(t for t in types if t["name"] == "Invoice")
    assert invoice["id"].startswith("cotype_")
    assert invoice["name_plural"] == "Invoices"
    assert {f["name"] for f in invoice["fields"]} == {"Amount", "Due date", "Status"}
    # Listing instances needs a lead; Advanced Filtering finds them all, each naming its type.
    with pytest.raises(ValidationError) as refused:
        close.get("custom_object", params={"custom_object_type_id": invoice["id"]})
    assert "lead_id" in refused.value.field_errors
    found = close.post("data/search", {
        "query": {"type": "and", "queries": [{"type": "object_type", "object_type": "custom_object"}]},
        "_fields": {"custom_object": ["id", "name", "lead_id", "custom_object_type_id"]}, "_limit": 50})
    assert found["data"]
    one = found["data"][0]
    assert one["__object_type"] == "custom_object"
    assert one["custom_object_type_id"] == invoice["id"]
    mine = close.get("custom_object", params={"lead_id": one["lead_id"], "custom_object_type_id": invoice["id"]})
    assert one["id"] in {c["id"] for c in mine["data"]}
    created = close.post("custom_object", {"custom_object_type_id": invoice["id"], "lead_id": one["lead_id"],
                                           "name": unique("INV")})
    assert created["id"] != one["id"]
    with pytest.raises(ValidationError) as refused:
        close.post("custom_object", {"custom_object_type_id": invoice["id"], "lead_id": one["lead_id"]})
    assert "name" in refused.value.field_errors
