from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """For very long lists (the audit trail): counting a million rows exactly costs more
    than showing the page, so the count stops at `cap` and the page says "more than"."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
