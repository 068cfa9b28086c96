"""Link each project's written 挂钩领导 to a leader account: by username or full name (姓+名 as
Chinese writes it, or as Django's get_full_name joins them). A name no account carries gets an
inactive leader account of that name (no usable password) so nothing written is lost; an
administrator gives it a login and a phone. Several names in one cell (、 or ，) are several
leaders. Backwards, the links are dropped (the text stays)."""

import re

from django.db import migrations

# Several leaders in one cell (张三、李四): the importer's separators (importing.vocabulary).
SEPARATORS = re.compile(r"[、,，;；]")


def written(text: str) -> list[str]:
    return [n.strip() for n in SEPARATORS.split(text) if n.strip()]


def link(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    User = apps.get_model("projects", "User")
    Group = apps.get_model("auth", "Group")
    projects = list(Project.objects.exclude(leader=""))
    names = {n for p in projects for n in written(p.leader)}
    if not names:
        return
    group, _ = Group.objects.get_or_create(name="leader")
    by_name = {}
    for user in User.objects.all():
        for key in (user.username, f"{user.last_name}{user.first_name}", f"{user.first_name} {user.last_name}".strip()):
            if key:
                by_name.setdefault(key, user)
    for n, name in enumerate(sorted(names), start=1):
        user = by_name.get(name)
        if user is None:
            username = f"leader-{n:03d}"
            while User.objects.filter(username=username).exists():
                n += 1000
                username = f"leader-{n:03d}"
            # "!" is Django's unusable-password marker: no one signs in until an administrator sets one.
            user = User.objects.create(
                username=username, last_name=name[:150], password="!", is_active=False, is_staff=True
            )
            user.groups.add(group)
            by_name[name] = user
    for project in projects:
        for name in written(project.leader):
            project.leaders.add(by_name[name])


def unlink(apps, schema_editor):
    apps.get_model("projects", "Project").leaders.through.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_who_to_call"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(link, unlink)]
