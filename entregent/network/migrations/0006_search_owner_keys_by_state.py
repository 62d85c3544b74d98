"""Search documents' owner keys now say where the contact stands (x active, a archived, b in
the bin, p pending import), so that the index alone answers the search without filters."""

from typing import Any

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Cast, Concat


def key_by_state(apps: Any, schema_editor: Any) -> None:
    document = apps.get_model("network", "SearchDocument")

    def set_state(state: str, **conditions: Any) -> None:
        document.objects.filter(**conditions).update(
            owner_key=Concat(
                Value("owner"),
                Cast(F("owner_id"), output_field=models.CharField()),
                Value(state),
            )
        )

    set_state("a", contact__archived_at__isnull=False)
    set_state("b", contact__deleted_at__isnull=False)
    set_state("p", contact__pending=True)


def back_to_one_key(apps: Any, schema_editor: Any) -> None:
    document = apps.get_model("network", "SearchDocument")
    document.objects.update(
        owner_key=Concat(
            Value("owner"), Cast(F("owner_id"), output_field=models.CharField()), Value("x")
        )
    )


class Migration(migrations.Migration):
    dependencies = [("network", "0005_import_and_merge_support")]

    operations = [migrations.RunPython(key_by_state, back_to_one_key)]
