from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ references|get_item:event.case_id }}"""
    return mapping.get(key) if mapping else None
