"""Fill every contact's ``due_on`` and ``dormant_on``, added empty by 0007 (and say in the
contact's cadence help that tags now count).

The rules are the pure functions of ``network.models`` (``choose_cadence``,
``schedule_reference``, ``schedule_for``), applied to the historical models in batches;
``manage.py refresh_schedules`` does the same on a live site.
"""

from collections import defaultdict
from typing import Any

from django.db import migrations, models

from entregent.network.models import choose_cadence, schedule_for, schedule_reference

BATCH = 500


def backfill(apps: Any, schema_editor: Any) -> None:
    contact = apps.get_model("network", "Contact")
    through = contact.tags.through
    using = schema_editor.connection.alias
    ids = list(contact.objects.using(using).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        tags: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
        for contact_id, name, months in (
            through.objects.using(using)
            .filter(contact_id__in=batch, tag__cadence__isnull=False)
            .values_list("contact_id", "tag__name", "tag__cadence")
        ):
            tags[contact_id].append((name, months))
        rows = (
            contact.objects.using(using)
            .filter(pk__in=batch)
            .values_list(
                "pk",
                "cadence",
                "tie_strength",
                "last_interaction_on",
                "connected_on",
                "created_at",
                "owner__time_zone",
            )
        )
        changed = []
        for pk, own, strength, last, connected, created, zone in rows:
            months = choose_cadence(own, tags[pk], strength).months
            due_on, dormant_on = schedule_for(
                schedule_reference(last, connected, created, zone), months
            )
            changed.append(contact(pk=pk, due_on=due_on, dormant_on=dormant_on))
        contact.objects.using(using).bulk_update(changed, ["due_on", "dormant_on"])


class Migration(migrations.Migration):
    dependencies = [("network", "0007_tending")]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="cadence",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[
                    (0, "Never"),
                    (1, "Every month"),
                    (3, "Every 3 months"),
                    (6, "Every 6 months"),
                    (12, "Every year"),
                ],
                help_text="Empty: from its tags, else from the tie strength.",
                null=True,
                verbose_name="keep in touch",
            ),
        ),
        # Going back leaves the dates in place: 0007's reversal drops the columns.
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
