"""The 挂钩领导 migration links each project's written leader to an account: an existing leader by
username or full name, else a new inactive leader account carrying the name, so nothing is lost."""

import pytest

from tests.migrating import latest, migrate_to

BEFORE = [("projects", "0009_who_to_call")]
AFTER = [("projects", "0010_link_leaders_data")]


@pytest.mark.django_db(transaction=True)
def test_written_leaders_become_linked_accounts():
    old = migrate_to(BEFORE)
    try:
        get = lambda name: old.get_model("projects", name)  # noqa: E731
        unit = get("ResponsibleUnit").objects.create(name="县交通局", code="jtj")
        owner = get("OwnerUnit").objects.create(name="云阳县交通投资公司")
        wang = get("User").objects.create(username="wangming", last_name="王", first_name="明")
        common = {
            "owner_unit": owner,
            "responsible_unit": unit,
            "start_year": 2021,
            "end_year": 2023,
            "total_investment": 10,
            "government_investment": 10,
            "social_investment": 0,
        }
        a = get("Project").objects.create(code="YY2022-TST-001", name="甲", leader="王明", **common)
        b = get("Project").objects.create(code="YY2022-TST-002", name="乙", leader=" 李华 ", **common)
        c = get("Project").objects.create(code="YY2022-TST-003", name="丙", leader="李华", **common)
        d = get("Project").objects.create(code="YY2022-TST-004", name="丁", leader="", **common)
        e = get("Project").objects.create(code="YY2022-TST-005", name="戊", leader="王明、李华", **common)

        new = migrate_to(AFTER)
        Project = new.get_model("projects", "Project")

        def leaders(p):
            return list(Project.objects.get(pk=p.pk).leaders.values_list("username", "last_name", "is_active"))

        assert leaders(a) == [("wangming", "王", True)]
        assert leaders(b) == leaders(c) == [("leader-001", "李华", False)]
        assert leaders(d) == []
        # several names in one cell are several leaders, not one account named 「王明、李华」
        assert sorted(leaders(e)) == [("leader-001", "李华", False), ("wangming", "王", True)]
        li = new.get_model("projects", "User").objects.get(username="leader-001")
        assert list(li.groups.values_list("name", flat=True)) == ["leader"]
        assert not li.password.startswith("pbkdf2")  # no usable password
        assert wang.pk  # the existing account was reused, not copied
    finally:
        migrate_to(latest())
